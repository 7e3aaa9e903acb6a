// Cases that need POSIX itself: mode bits and the umask, another user's
// identity, mounts in a private mount namespace, FIFOs and sockets at the lock
// path. On Windows posix_only_skipped_test.cpp lists them, skipped with why.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>

#include "fixtures.hpp"
#include "support/temp_dir.hpp"
#include "support/try_lock_error.hpp"

namespace uuid_filelock {
namespace {

using test::try_lock_error;

// Mounts made here vanish with the test process: the mount namespace is
// the process's own.
bool enter_private_mount_namespace() {
  if (::geteuid() != 0) return false;
  static const bool entered = ::unshare(CLONE_NEWNS) == 0 &&
                              ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
  return entered;
}

TEST_F(Lock, ModeIsAppliedExactlyDespiteTheUmask) {
  const mode_t old_umask = ::umask(022);
  options opts = fast();
  opts.mode = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
              std::filesystem::perms::group_read | std::filesystem::perms::group_write |
              std::filesystem::perms::others_read | std::filesystem::perms::others_write;
  UUIDFileLock lock(path_, opts);
  lock.acquire();
  ::umask(old_umask);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0666u);
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

}  // namespace
}  // namespace uuid_filelock
