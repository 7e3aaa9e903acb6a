// What Windows makes hard, checked on every OS: names beyond ASCII (UTF-16
// there), paths beyond MAX_PATH, and readers keeping a released lock file
// open (on Windows an open file cannot simply be deleted).
#include <gtest/gtest.h>

#include <string>

#include "fixtures.hpp"
#include "support/long_path.hpp"
#include "support/shared_reader.hpp"
#include "support/temp_dir.hpp"

namespace uuid_filelock {
namespace {

using test::any_length;
using test::read_file;
using test::TempDir;

TEST_F(Lock, NonAsciiNameLocksAndReleases) {
  const std::string name = u8"verrou-\u00e9-\u00fc-\u65e5\u672c.lock";
  const auto lock_path = dir_.path() / std::filesystem::u8path(name);
  UUIDFileLock lock(lock_path, fast());
  ASSERT_TRUE(lock.try_lock());
  EXPECT_EQ(lock.path(), lock_path);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{name});
  EXPECT_EQ(read_file(lock_path).substr(0, 36), lock.token());
  UUIDFileLock other(lock_path, fast());
  EXPECT_FALSE(other.try_lock());
  lock.release();
  EXPECT_TRUE(dir_.entries().empty());
  ASSERT_TRUE(other.try_lock());
  other.release();
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Lock, PathLongerThanMaxPathLocksAndReleases) {
  // Every component stays far below the 255-character name limit; the
  // whole path goes beyond Windows' MAX_PATH (260).
  std::filesystem::path deep = dir_.path();
  while (deep.native().size() < 300) deep /= std::string(60, 'd');
  test::create_directories_any_length(deep);
  const auto lock_path = deep / "app.lock";
  ASSERT_GT(lock_path.native().size(), 260u);

  UUIDFileLock lock(lock_path, fast());
  ASSERT_TRUE(lock.try_lock());
  EXPECT_EQ(TempDir::entries_of(deep), std::set<std::string>{"app.lock"});
  EXPECT_EQ(read_file(any_length(lock_path)).substr(0, 36), lock.token());
  UUIDFileLock other(lock_path, fast());
  EXPECT_FALSE(other.try_lock());
  lock.release();
  EXPECT_TRUE(TempDir::entries_of(deep).empty());
}

TEST_F(Lock, ReaderKeepingTheFileOpenDoesNotKeepTheNameAfterRelease) {
  UUIDFileLock holder(path_, fast());
  holder.acquire();
  const std::string record = read_file(path_);
  {
    const test::SharedReader reader(path_);
    ASSERT_TRUE(reader.is_open());
    holder.release();  // no error: the reader is no reason to fail
    // The name is free at once, though the reader still has the old file
    // (a mere delete would leave it "delete pending", its name taken).
    EXPECT_EQ(dir_.entries().count(path_.filename().string()), 0u);
    UUIDFileLock next(path_, fast());
    ASSERT_TRUE(next.try_lock());
    EXPECT_EQ(read_file(path_).substr(0, 36), next.token());
    EXPECT_EQ(reader.read_all(), record);
    next.release();
  }
  // The old file went with the reader's last handle (POSIX: with the unlink).
  EXPECT_TRUE(dir_.entries().empty());
}

}  // namespace
}  // namespace uuid_filelock
