// The console's people file while the server runs
// (consumers/auditor/console/people_file.h): re-read when replaced and on
// reload(), a snapshot per caller, fail closed on a file that is not usable.
// Replacing by rename gives the file another inode: no sleeps needed.

#include "consumers/auditor/console/people_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "tests/observability/log_capture.h"
#include "tests/support/temp_dir.h"

namespace e911::auditor::console {
namespace {

class PeopleFileTest : public ::testing::Test {
 protected:
  // Replaces the file atomically, as the documentation says to.
  void replace(const std::string& content) {
    const auto tmp = dir_.write("people.tmp", content);
    std::filesystem::rename(tmp, path_);
  }
  int error_lines() const {
    int errors = 0;
    for (const auto& l : logs_.lines()) {
      if (l.find("\"level\":\"error\"") != std::string::npos) ++errors;
    }
    return errors;
  }
  test::TempDir dir_;
  std::string path_ = dir_.file("people");
  e911::test::LogCapture logs_{LogLevel::info};
};

std::string start_error(const std::string& path) {
  try {
    PeopleFile people(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "<started>";
}

TEST_F(PeopleFileTest, RefusesToStartWithoutSomeoneWhoMayUseTheConsole) {
  EXPECT_EQ(start_error(path_), "auditor.console.people.file: cannot read \"" + path_ + "\": No such file or directory");
  replace("alice admin\n");
  EXPECT_EQ(start_error(path_),
            "auditor.console.people.file: " + path_ + ":1: unknown role \"admin\" (auditor or site-lead)");
  replace("# nobody yet\n");
  EXPECT_EQ(start_error(path_), "auditor.console.people.file: " + path_ + " lists no one");
  replace("alice auditor\n");
  EXPECT_EQ(start_error(path_), "<started>");
}

TEST_F(PeopleFileTest, PicksUpAReplacedFileWhileASnapshotTakenBeforeStaysAsItWas) {
  replace("alice auditor\nbob site-lead austin-hq\n");
  PeopleFile file(path_);
  const auto before = file.current();
  ASSERT_TRUE(before);
  EXPECT_EQ(file.current(), before) << "unchanged: the same snapshot, not read again";

  replace("alice site-lead dallas-dc\n");
  const auto after = file.current();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), 1u);
  EXPECT_FALSE(after->find("bob"));
  ASSERT_TRUE(after->find("alice"));
  EXPECT_EQ(after->find("alice")->role, Role::site_lead);
  // What a request took before the change is still whole.
  ASSERT_TRUE(before->find("bob"));
  EXPECT_EQ(before->find("alice")->role, Role::auditor);
}

TEST_F(PeopleFileTest, AFileThatIsNotUsableLetsNoOneInLoggedOnceUntilItIsFixed) {
  replace("alice auditor\n");
  PeopleFile file(path_);
  ASSERT_TRUE(file.current());

  replace("alice auditor\nbob site-lead\n");
  EXPECT_FALSE(file.current());
  EXPECT_FALSE(file.current()) << "still broken";
  EXPECT_EQ(error_lines(), 1) << "said once, not on every request";

  std::filesystem::remove(path_);
  EXPECT_FALSE(file.current());
  EXPECT_EQ(error_lines(), 2);

  replace("bob site-lead austin-hq\n");
  const auto fixed = file.current();
  ASSERT_TRUE(fixed);
  EXPECT_TRUE(fixed->find("bob"));
  EXPECT_FALSE(fixed->find("alice"));

  // Emptied on purpose: in force, and it lets no one in.
  replace("# the console is closed\n");
  const auto empty = file.current();
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_EQ(error_lines(), 2);
}

TEST_F(PeopleFileTest, ReloadRereadsEvenAnUnchangedLookingFile) {
  replace("alice auditor\n");
  PeopleFile file(path_);
  const auto before = file.current();
  file.reload();
  const auto after = file.current();
  ASSERT_TRUE(after);
  EXPECT_NE(after, before) << "read again: a new snapshot";
  EXPECT_TRUE(after->find("alice"));
}

}  // namespace
}  // namespace e911::auditor::console
