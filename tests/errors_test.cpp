// Bad input on the real backend: a clear error at once, nothing followed,
// nothing blocked on, nothing removed that is not ours, no temp file left.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "support/temp_dir.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock {
namespace {

using namespace std::chrono_literals;
using test::read_file;
using test::TempDir;
using test::write_file;

constexpr const char* kVictim = "precious data\n";

class Errors : public ::testing::Test {
 protected:
  // Tries once with a generous wait: an error must come back at once, not
  // after the wait (which would mean the error was retried as contention).
  std::error_code try_lock_error(const std::filesystem::path& path) {
    options opts;
    opts.retry_interval = 10ms;
    UUIDFileLock lock(path, opts);
    std::error_code ec;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(lock.try_lock_for(30s, ec));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_FALSE(lock.owns_lock());
    return ec;
  }

  // Mounts made here vanish with the test process: the mount namespace is
  // the process's own.
  static bool enter_private_mount_namespace() {
    if (::geteuid() != 0) return false;
    static const bool entered = ::unshare(CLONE_NEWNS) == 0 &&
                                ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
    return entered;
  }

  TempDir dir_;
};

TEST_F(Errors, MissingDirectory) {
  const auto path = dir_ / "missing" / "app.lock";
  EXPECT_EQ(try_lock_error(path), std::errc::no_such_file_or_directory);
  EXPECT_TRUE(dir_.entries().empty());
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

TEST_F(Errors, PermissionDenied) {
  const auto locked_dir = dir_ / "readonly";
  std::filesystem::create_directory(locked_dir);
  std::filesystem::permissions(
      locked_dir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                      std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  // root ignores permissions: take the identity of "nobody" for the attempt.
  const bool drop = ::geteuid() == 0;
  ASSERT_TRUE(!drop || ::seteuid(65534) == 0);
  const std::error_code ec = try_lock_error(locked_dir / "app.lock");
  ASSERT_TRUE(!drop || ::seteuid(0) == 0);
  EXPECT_EQ(ec, std::errc::permission_denied);
  EXPECT_TRUE(std::filesystem::is_empty(locked_dir));
}

TEST_F(Errors, ReadOnlyFilesystem) {
  if (!enter_private_mount_namespace()) GTEST_SKIP() << "needs root to mount a read-only tmpfs";
  const auto mount_point = dir_ / "ro";
  std::filesystem::create_directory(mount_point);
  ASSERT_EQ(::mount("tmpfs", mount_point.c_str(), "tmpfs", MS_RDONLY, "size=64k"), 0);
  EXPECT_EQ(try_lock_error(mount_point / "app.lock"), std::errc::read_only_file_system);
  EXPECT_TRUE(std::filesystem::is_empty(mount_point));
  ASSERT_EQ(::umount(mount_point.c_str()), 0);
}

TEST_F(Errors, DiskFullFailsAndLeavesNoTempFile) {
  if (!enter_private_mount_namespace()) GTEST_SKIP() << "needs root to mount a tiny tmpfs";
  const auto mount_point = dir_ / "full";
  std::filesystem::create_directory(mount_point);
  ASSERT_EQ(::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=64k"), 0);
  {
    std::ofstream filler(mount_point / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    for (int i = 0; i < 64 && filler; ++i) filler << block << std::flush;
  }
  EXPECT_EQ(try_lock_error(mount_point / "app.lock"), std::errc::no_space_on_device);
  EXPECT_EQ(test::TempDir::entries_of(mount_point), std::set<std::string>{"filler"});
  ASSERT_EQ(::umount(mount_point.c_str()), 0);
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
  std::filesystem::create_symlink(dir_ / "victim", dir_ / "app.lock");
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), std::errc::too_many_symbolic_link_levels);
  EXPECT_EQ(read_file(dir_ / "victim"), kVictim);
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ / "app.lock"));
  EXPECT_EQ(dir_.entries(), (std::set<std::string>{"app.lock", "victim"}));
}

TEST_F(Errors, DanglingSymlinkDoesNotCreateItsTarget) {
  std::filesystem::create_symlink(dir_ / "target", dir_ / "app.lock");
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), std::errc::too_many_symbolic_link_levels);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "target"));
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Errors, FifoAtTheLockPathDoesNotBlock) {
  ASSERT_EQ(::mkfifo((dir_ / "app.lock").c_str(), 0600), 0);
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), errc::not_a_regular_file);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Errors, SocketAtTheLockPath) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = (dir_ / "app.lock").string();
  ASSERT_LT(path.size(), sizeof address.sun_path);
  path.copy(address.sun_path, path.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), errc::not_a_regular_file);
  ::close(fd);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Errors, GarbageLockFileIsSomeoneElsesAndStaysUntouched) {
  write_file(dir_ / "app.lock", "not a record at all\n");
  options opts;
  opts.retry_interval = 10ms;
  opts.timeout = 100ms;
  UUIDFileLock lock(dir_ / "app.lock", opts);
  std::error_code ec;
  lock.acquire(ec);
  EXPECT_EQ(ec, errc::timeout);
  EXPECT_EQ(read_file(dir_ / "app.lock"), "not a record at all\n");
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

// Bytes this process has read so far (Linux); -1 where unknown.
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
  EXPECT_FALSE(lock.try_lock());
  const long long after = bytes_read_so_far();
  if (before >= 0) {
    EXPECT_LT(after - before, 64 * 1024);
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
