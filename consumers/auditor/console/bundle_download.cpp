#include "consumers/auditor/console/bundle_download.h"

#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace e911::auditor::console {

namespace {

// A directory only this process can read, removed when it goes.
class PrivateTempDir {
 public:
  PrivateTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "e911-console-bundle-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory");
    path_ = pattern;
  }
  ~PrivateTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::string bundle_zip(AuditStore& store, const ExportRange& range, EpochMillis created_at) {
  PrivateTempDir dir;
  write_bundle(store, dir.path().string(), range, {}, created_at);
  std::ostringstream zip;
  Poco::Zip::Compress compress(zip, true);
  for (const char* name : {"entries.jsonl", "purges.jsonl", "manifest.json"}) {
    std::ifstream in(dir.path() / name, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("bundle: cannot read ") + name);
    compress.addFile(in, Poco::DateTime(), Poco::Path(std::string("bundle/") + name));
  }
  compress.close();
  return zip.str();
}

}  // namespace e911::auditor::console
