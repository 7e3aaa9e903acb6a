// Bad input on the real backend: a clear error at once, nothing followed,
// nothing blocked on, nothing removed that is not ours, no temp file left.
// POSIX-only cases (permissions, mounts, FIFOs, sockets) are in
// posix_only_test.cpp, Windows-only ones in windows_only_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "fixtures.hpp"
#include "support/platform.hpp"
#include "support/symlink.hpp"
#include "support/temp_dir.hpp"
#include "support/try_lock_error.hpp"
#include "uuid_filelock/inspect.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock {
namespace {

using namespace std::chrono_literals;
using test::kWindows;
using test::read_file;
using test::try_lock_error;
using test::write_file;

constexpr const char* kVictim = "precious data\n";

TEST_F(Errors, MissingDirectory) {
  const auto path = dir_ / "missing" / "app.lock";
  EXPECT_EQ(try_lock_error(path), std::errc::no_such_file_or_directory);
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Errors, LooksFromOutsideReportAMissingDirectoryInsteadOfAFreeLock) {
  // A watchdog with a typo in its path must not be told the lock is free.
  std::error_code ec;
  for (const auto& path : {dir_ / "missing" / "app.lock", std::filesystem::path()}) {
    SCOPED_TRACE(path.string());
    EXPECT_EQ(inspect_lock(path, {}, ec).state, lock_state::free);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    EXPECT_EQ(break_lock(path, {}, true, ec), break_result::refused);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    EXPECT_FALSE(release_detached(path, "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b", {}, ec));
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
  }
  write_file(dir_ / "file", kVictim);
  (void)inspect_lock(dir_ / "file" / "app.lock", {}, ec);
  EXPECT_EQ(ec, std::errc::not_a_directory);
  EXPECT_EQ(try_lock_error(std::filesystem::path()), std::errc::no_such_file_or_directory);
  EXPECT_TRUE(dir_.entries().count("missing") == 0);
}

TEST_F(Errors, ParentIsAFile) {
  write_file(dir_ / "file", kVictim);
  EXPECT_EQ(try_lock_error(dir_ / "file" / "app.lock"), std::errc::not_a_directory);
  EXPECT_EQ(read_file(dir_ / "file"), kVictim);
}

TEST_F(Errors, ThrowingCallsCarryTheCodeAndThePath) {
  const auto path = dir_ / "missing" / "app.lock";
  UUIDFileLock lock(path);
  try {
    lock.acquire();
    FAIL() << "acquired in a missing directory";
  } catch (const std::filesystem::filesystem_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_EQ(e.path1(), path);
  }
  EXPECT_THROW((void)lock.try_lock(), std::filesystem::filesystem_error);
  EXPECT_THROW((void)lock.try_lock_for(1s), std::filesystem::filesystem_error);
}

TEST_F(Errors, NameTooLong) {
  EXPECT_EQ(try_lock_error(dir_ / std::string(300, 'n')), std::errc::filename_too_long);
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Errors, NameAtTheLimitStillWorks) {
  UUIDFileLock lock(dir_ / std::string(255, 'n'));
  EXPECT_TRUE(lock.try_lock());
}

TEST_F(Errors, DirectoryAtTheLockPath) {
  std::filesystem::create_directory(dir_ / "app.lock");
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), std::errc::is_a_directory);
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "app.lock"));
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Errors, SymlinkToAVictimIsNeitherFollowedNorReplaced) {
  write_file(dir_ / "victim", kVictim);
  const std::string impossible = test::make_file_symlink(dir_ / "victim", dir_ / "app.lock");
  if (!impossible.empty()) GTEST_SKIP() << impossible;
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), std::errc::too_many_symbolic_link_levels);
  EXPECT_EQ(read_file(dir_ / "victim"), kVictim);
  EXPECT_TRUE(test::is_symlink(dir_ / "app.lock"));
  EXPECT_EQ(dir_.entries(), (std::set<std::string>{"app.lock", "victim"}));
}

TEST_F(Errors, DanglingSymlinkDoesNotCreateItsTarget) {
  const std::string impossible = test::make_file_symlink(dir_ / "target", dir_ / "app.lock");
  if (!impossible.empty()) GTEST_SKIP() << impossible;
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), std::errc::too_many_symbolic_link_levels);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "target"));
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Errors, GarbageLockFileIsNoLockFileAndStaysUntouched) {
  // Somebody's data (or a co-user's bait): reported at once, never waited
  // out, never removed, not even by a forced break, however old it is.
  write_file(dir_ / "app.lock", "root:x:0:0:root:/root:/bin/bash\n");
  std::filesystem::last_write_time(dir_ / "app.lock",
                                   std::filesystem::file_time_type::clock::now() - 24h);
  options opts;
  opts.stale_after = 1s;
  UUIDFileLock lock(dir_ / "app.lock", opts);
  std::error_code ec;
  lock.acquire(ec);
  EXPECT_EQ(ec, errc::not_a_lock_file);
  EXPECT_EQ(inspect_lock(dir_ / "app.lock", opts, ec).state, lock_state::free);
  EXPECT_EQ(ec, errc::not_a_lock_file);
  EXPECT_EQ(break_lock(dir_ / "app.lock", opts, true, ec), break_result::refused);
  EXPECT_EQ(ec, errc::not_a_lock_file);
  EXPECT_EQ(read_file(dir_ / "app.lock"), "root:x:0:0:root:/root:/bin/bash\n");
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

// Bytes this process has read so far (Linux); -1 where unknown. (Windows has
// GetProcessIoCounters, but Wine reports zeros there.) Under Wine the count
// includes the emulator's own reads (seen: 11 to 65 KiB during one try_lock),
// so the Windows build only checks that the 16 MiB file was not read whole.
long long bytes_read_so_far() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long long value = -1;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return -1;
}

TEST_F(Errors, HugeLockFileIsReadBoundedAndNeverRemoved) {
  const std::string huge(16 * 1024 * 1024, 'x');
  write_file(dir_ / "app.lock", huge);
  // Old enough for any age rule: a file this large is nobody's lock record
  // (perhaps a data file the lock path was pointed at by mistake).
  std::filesystem::last_write_time(dir_ / "app.lock",
                                   std::filesystem::file_time_type::clock::now() - 24h);
  options opts;
  opts.stale_after = 1s;
  UUIDFileLock lock(dir_ / "app.lock", opts);
  const long long before = bytes_read_so_far();
  std::error_code ec;
  EXPECT_FALSE(lock.try_lock(ec));
  const long long after = bytes_read_so_far();
  EXPECT_EQ(ec, errc::not_a_lock_file);
  EXPECT_EQ(break_lock(dir_ / "app.lock", opts, true, ec), break_result::refused);
  EXPECT_EQ(ec, errc::not_a_lock_file);
  if (before >= 0) {
    EXPECT_LT(after - before, kWindows ? 1024 * 1024 : 64 * 1024);
  }
  EXPECT_EQ(std::filesystem::file_size(dir_ / "app.lock"), huge.size());
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Errors, EmptyLockFileIsRespected) {
  write_file(dir_ / "app.lock", "");
  UUIDFileLock lock(dir_ / "app.lock");
  EXPECT_FALSE(lock.try_lock());
  EXPECT_TRUE(std::filesystem::exists(dir_ / "app.lock"));
}

}  // namespace
}  // namespace uuid_filelock
