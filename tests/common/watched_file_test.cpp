// Watched files (common/watched_file.h): a stamp that tells a replaced or
// rewritten file from the one read, and reading a file whole but bounded.

#include "common/watched_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/temp_dir.h"

namespace e911 {
namespace {

TEST(FileStamp, IsTheSameUntilTheFileIsReplacedOrRewritten) {
  test::TempDir dir;
  const auto path = dir.write("watched", "alice auditor\n");
  const auto first = stamp_of(path);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size, 14);
  EXPECT_EQ(stamp_of(path), first) << "nothing changed";

  // The same bytes, renamed over it: another inode, so a change (no sleep
  // needed to tell them apart).
  const auto same_bytes = dir.write("watched.tmp", "alice auditor\n");
  std::filesystem::rename(same_bytes, path);
  const auto replaced = stamp_of(path);
  ASSERT_TRUE(replaced);
  EXPECT_NE(replaced, first);
  EXPECT_NE(replaced->inode, first->inode);

  // Rewritten in place at another size.
  dir.write("watched", "alice auditor\nbob auditor\n");
  const auto rewritten = stamp_of(path);
  ASSERT_TRUE(rewritten);
  EXPECT_NE(rewritten, replaced);
  EXPECT_EQ(rewritten->inode, replaced->inode);

  std::filesystem::remove(path);
  EXPECT_FALSE(stamp_of(path)) << "a missing file has no stamp";
}

TEST(ReadFileAtMost, ReadsTheBytesAsTheyAreUpToTheLimit) {
  test::TempDir dir;
  const std::string bytes = std::string("line\r\n\0tail\n\n", 13);
  const auto path = dir.write("f", bytes);
  auto read = read_file_at_most(path, bytes.size());
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, bytes) << "nothing trimmed, NUL and CR kept";

  const auto empty = read_file_at_most(dir.write("empty", ""), 0);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "");

  // A long file, read past the buffer's size.
  const std::string big(10'000, 'x');
  read = read_file_at_most(dir.write("big", big), big.size());
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, big);
}

TEST(ReadFileAtMost, ErrorsNameTheFileAndWhyNeverItsContent) {
  test::TempDir dir;
  const auto path = dir.write("secret-ish", "alice auditor\n");
  auto r = read_file_at_most(path, 13);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot read \"" + path + "\": larger than 13 bytes");

  r = read_file_at_most(dir.path("missing"), 100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot read \"" + dir.path("missing") + "\": No such file or directory");

  r = read_file_at_most(dir.root().string(), 100);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("Is a directory"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("alice"), std::string::npos);
}

}  // namespace
}  // namespace e911
