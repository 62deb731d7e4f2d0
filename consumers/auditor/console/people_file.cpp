#include "consumers/auditor/console/people_file.h"

#include <stdexcept>
#include <utility>

namespace e911::auditor::console {

namespace {

constexpr std::string_view kConfigKey = "auditor.console.people.file";
// A person a line: a megabyte is tens of thousands of people.
constexpr std::size_t kMaxFileBytes = 1 << 20;

}  // namespace

PeopleFile::PeopleFile(std::string path)
    : file_(std::move(path), kMaxFileBytes,
            [](const std::string& text, const std::string& path) -> Result<People> {
              auto people = parse_people(text, path);  // errors name the file and line
              if (!people) return people.error();
              return People(std::move(*people));
            },
            [this](const People* people, const std::string& error) {
              if (!people) {
                log_.error("the console's people file is not usable: every console request is refused until "
                           "it is fixed",
                           {{"file", file_.path()}, {"error", error}});
                return;
              }
              log_.info("console people loaded", {{"file", file_.path()}, {"people", people->size()}});
            }) {
  const auto people = file_.last();
  if (!people) throw std::runtime_error(std::string(kConfigKey) + ": " + file_.error());
  if (people->size() == 0) throw std::runtime_error(std::string(kConfigKey) + ": " + file_.path() + " lists no one");
}

}  // namespace e911::auditor::console
