#include "consumers/auditor/console/people_file.h"

#include <stdexcept>
#include <utility>

namespace e911::auditor::console {

namespace {

constexpr std::string_view kConfigKey = "auditor.console.people.file";
// A person a line: a megabyte is tens of thousands of people.
constexpr std::size_t kMaxFileBytes = 1 << 20;

// Errors name the file (and the line).
Result<People> read_people_file(const std::string& path) {
  auto text = read_file_at_most(path, kMaxFileBytes);
  if (!text) return text.error();
  auto people = parse_people(*text, path);
  if (!people) return people.error();
  return People(std::move(*people));
}

}  // namespace

PeopleFile::PeopleFile(std::string path) : path_(std::move(path)) {
  std::lock_guard lock(mu_);
  stamp_ = stamp_of(path_);
  // Said on standard error by the caller, who refuses to start: not logged
  // here as well.
  auto people = read_people_file(path_);
  if (!people) throw std::runtime_error(std::string(kConfigKey) + ": " + people.error().message);
  if (people->size() == 0) throw std::runtime_error(std::string(kConfigKey) + ": " + path_ + " lists no one");
  people_ = std::make_shared<const People>(std::move(*people));
  log_.info("console people loaded", {{"file", path_}, {"people", people_->size()}});
}

void PeopleFile::load_locked(const std::optional<FileStamp>& stamp) {
  stamp_ = stamp;
  auto people = read_people_file(path_);
  if (!people) {
    people_ = nullptr;
    log_.error("the console's people file is not usable: every console request is refused until it is fixed",
               {{"file", path_}, {"error", people.error().message}});
    return;
  }
  people_ = std::make_shared<const People>(std::move(*people));
  log_.info("console people loaded", {{"file", path_}, {"people", people_->size()}});
}

std::shared_ptr<const People> PeopleFile::current() {
  std::lock_guard lock(mu_);
  const auto now = stamp_of(path_);
  if (now != stamp_) load_locked(now);
  return people_;
}

void PeopleFile::reload() {
  std::lock_guard lock(mu_);
  load_locked(stamp_of(path_));
}

}  // namespace e911::auditor::console
