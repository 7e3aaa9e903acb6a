// Cases that need POSIX itself: mode bits and the umask, another user's
// identity, mounts in a private mount namespace, FIFOs and sockets at the lock
// path. On Windows posix_only_skipped_test.cpp lists them, skipped with why.
#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "../src/common/backend.hpp"
#include "fixtures.hpp"
#include "support/fork_child.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"
#include "support/try_lock_error.hpp"
#include "uuid_filelock/inspect.hpp"

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

// Leaves at `path` the lock file of a holder that died: a fork()ed child
// takes the lock and exits without releasing it.
void leave_dead_holders_lock(const std::filesystem::path& path, options opts = {}) {
  const test::process_id child = test::fork_child([&]() -> int {
    auto* lock = new UUIDFileLock(path, opts);  // never released: the holder "dies"
    lock->acquire();
    std::_Exit(0);
  });
  ASSERT_EQ(test::wait_forked(child), 0);
  ASSERT_TRUE(std::filesystem::exists(path));
}

// The name under which earlier versions serialised breakers of the file at
// `path`, from its device and inode: predictable for anyone who can stat it.
std::filesystem::path old_break_marker(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0);
  char name[80];
  std::snprintf(name, sizeof name, ".uuid-filelock-%llx-%llx.break",
                static_cast<unsigned long long>(st.st_dev),
                static_cast<unsigned long long>(st.st_ino));
  return path.parent_path() / name;
}

TEST_F(Lock, DeadRecordHardLinkedToItsBreakMarkerIsTakenOverWithoutRecursion) {
  // A marker judged by the rules of the lock it guards had a marker of its
  // own, the same file again: unbounded recursion, a stack overflow.
  leave_dead_holders_lock(path_);
  const auto marker = old_break_marker(path_);
  ASSERT_EQ(::link(path_.c_str(), marker.c_str()), 0);
  const std::string planted = test::read_file(marker);
  UUIDFileLock lock(path_, fast());
  EXPECT_TRUE(lock.try_lock());
  lock.release();
  EXPECT_EQ(test::read_file(marker), planted);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{marker.filename().string()});
}

TEST_F(Lock, NothingPlantedBesideADeadHoldersLockBlocksItsRecovery) {
  for (const char* kind : {"file", "fifo", "directory", "symlink"}) {
    SCOPED_TRACE(kind);
    leave_dead_holders_lock(path_);
    const auto marker = old_break_marker(path_);
    const std::string planted(kind);
    if (planted == "file") {
      test::write_file(marker, "a co-user's data\n");
    } else if (planted == "fifo") {
      ASSERT_EQ(::mkfifo(marker.c_str(), 0600), 0);
    } else if (planted == "directory") {
      std::filesystem::create_directory(marker);
    } else {
      std::filesystem::create_symlink("/etc/passwd", marker);
    }
    UUIDFileLock lock(path_, fast());
    EXPECT_TRUE(lock.try_lock());
    lock.release();
    EXPECT_EQ(dir_.entries(), std::set<std::string>{marker.filename().string()});
    std::filesystem::remove(marker);
  }
}

TEST_F(Lock, TheBreakersRemovalPutsBackAFileThatReplacedTheStaleOne) {
  // The stale file's owner removes it between a breaker's look and its
  // removal, and a contender publishes at once: the removal moves what it
  // finds aside, sees that it is not the stale file, and puts it back.
  test::write_file(path_, "stale\n");
  std::error_code ec;
  // Kept open, as a breaker's claim keeps it: its inode number cannot be
  // reused meanwhile.
  const detail::lock_file_snapshot stale = detail::read_lock_file(path_, 4096, true, ec);
  ASSERT_FALSE(ec);
  std::filesystem::remove(path_);
  test::write_file(path_, "the next holder's\n");
  struct stat before {};
  ASSERT_EQ(::lstat(path_.c_str(), &before), 0);
  EXPECT_EQ(detail::remove_stale_file(path_, stale, "tag", true, false, ec),
            detail::removal::replaced);
  EXPECT_FALSE(ec);
  struct stat after {};
  ASSERT_EQ(::lstat(path_.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
  // The file it judged is removed, and nothing is left aside.
  const detail::lock_file_snapshot next = detail::read_lock_file(path_, 4096, false, ec);
  EXPECT_EQ(detail::remove_stale_file(path_, next, "tag", true, false, ec),
            detail::removal::removed);
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Lock, AChildForkedWithoutAtforkHandlersNeverReleasesItsParentsLock) {
  // syscall(SYS_fork), like _Fork() and clone(), runs no pthread_atfork
  // handler: a pid cached by one would make the child believe it holds the
  // lock, and release it.
  UUIDFileLock lock(path_, fast());
  lock.acquire();
  const std::string token = lock.token();
  const long child = ::syscall(SYS_fork);
  ASSERT_GE(child, 0);
  if (child == 0) {
    const bool owned = lock.owns_lock();
    lock.unlock();
    ::_exit(owned ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(static_cast<pid_t>(child), &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "the child believed it held the lock";
  EXPECT_EQ(test::read_file(path_).substr(0, 36), token);
  EXPECT_NO_THROW(lock.release());
}

struct worker_task {
  std::filesystem::path lock_path;
  int report_fd;  // 'i' once it holds the lock, 'o' after releasing it, 'e' on an error
};

void* hold_after_main_exited(void* task_pointer) {
  const worker_task& task = *static_cast<worker_task*>(task_pointer);
  const int fd = task.report_fd;
  // Main has called pthread_exit() by now: the process runs on, its leader
  // a zombie, /proc/self/fd empty.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  options opts;
  opts.advisory = false;  // judged by its pid alone
  UUIDFileLock lock(task.lock_path, opts);
  std::error_code ec;
  if (!lock.try_lock(ec) || ec) {
    (void)!::write(fd, "e", 1);
    return nullptr;
  }
  (void)!::write(fd, "i", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  lock.release(ec);
  (void)!::write(fd, ec ? "e" : "o", 1);
  return nullptr;
}

char read_report(int fd) {
  pollfd ready{fd, POLLIN, 0};
  char report = '?';
  if (::poll(&ready, 1, 10000) != 1 || ::read(fd, &report, 1) != 1) return '?';
  return report;
}

TEST_F(Lock, AThreadHoldsTheLockAfterMainHasExited) {
  // pthread_exit() in main is legal: the process runs on. Publishing from
  // such a thread must work, and its holder must not be judged dead.
  if (test::kThreadSanitizer)
    GTEST_SKIP() << "ThreadSanitizer's runtime hangs in a process whose main thread ended with "
                    "the exit system call";
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    static worker_task task{path_, report[1]};  // outlives main's exit
    pthread_t worker;
    if (::pthread_create(&worker, nullptr, hold_after_main_exited, &task) != 0) ::_exit(1);
    // What pthread_exit() ends with, without unwinding through the test
    // framework's frames: only the main thread ends.
    ::syscall(SYS_exit, 0);
  }
  ::close(report[1]);
  EXPECT_EQ(read_report(report[0]), 'i') << "the thread could not take the lock";
  options opts;
  opts.advisory = false;
  UUIDFileLock other(path_, opts);
  EXPECT_FALSE(other.try_lock()) << "a live holder was judged dead";
  EXPECT_EQ(read_report(report[0]), 'o');
  ::close(report[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(other.try_lock());
}

TEST_F(Lock, AnIdentityLookupThatFailedIsNotKept) {
  // The first lock call of a thread under EMFILE must not leave its thread
  // a start time of 0 and no machine or boot id for every later record.
  std::uint64_t start_under_emfile = 1;
  std::uint64_t start_after = 0;
  std::thread fresh_thread([&] {
    std::vector<int> spare;
    for (int fd = ::dup(0); fd >= 0; fd = ::dup(0)) spare.push_back(fd);
    start_under_emfile = detail::current_process().start_time;
    for (const int fd : spare) ::close(fd);
    start_after = detail::current_process().start_time;
  });
  fresh_thread.join();
  EXPECT_EQ(start_under_emfile, 0u) << "the lookup under EMFILE read /proc after all";
  EXPECT_NE(start_after, 0u) << "the failed lookup was kept";
}

TEST_F(Lock, ModificationTimesFarOutOfRangeAreSaturated) {
  // Anyone may set a file's time to anything; the nanosecond clock would
  // overflow. An empty record stamped in the year 3 million counts as
  // stamped in 2106 (saturated), and so, a future time counting as that far
  // past, as decades old: it is taken over.
  test::write_file(path_, "");
  const timespec times[2] = {{99999999999999, 0}, {99999999999999, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path_.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
  std::error_code ec;
  const lock_status status = inspect_lock(path_, fast(), ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(status.state, lock_state::stale);
  EXPECT_GT(status.age, std::chrono::hours(24 * 365 * 50));
  UUIDFileLock lock(path_, fast());
  EXPECT_TRUE(lock.try_lock());
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

TEST_F(Errors, AFullFilesystemDoesNotStopRecovery) {
  // Breaking a dead holder's lock and ending a detached one need no space:
  // nothing is created but names.
  if (!enter_private_mount_namespace()) GTEST_SKIP() << "needs root to mount a tiny tmpfs";
  const auto mount_point = dir_ / "full";
  std::filesystem::create_directory(mount_point);
  ASSERT_EQ(::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=64k"), 0);
  leave_dead_holders_lock(mount_point / "stale.lock");
  options detached;
  detached.detached = true;
  UUIDFileLock handed_over(mount_point / "detached.lock", detached);
  handed_over.acquire();
  const std::string token = handed_over.detach();
  {
    std::ofstream filler(mount_point / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    for (int i = 0; i < 64 && filler; ++i) filler << block << std::flush;
  }
  std::error_code ec;
  EXPECT_EQ(break_lock(mount_point / "stale.lock", {}, false, ec), break_result::removed);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(release_detached(mount_point / "detached.lock", token, {}, ec));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(test::TempDir::entries_of(mount_point), std::set<std::string>{"filler"});
  ASSERT_EQ(::umount(mount_point.c_str()), 0);
}

TEST_F(Errors, FifoAtTheLockPathDoesNotBlock) {
  ASSERT_EQ(::mkfifo((dir_ / "app.lock").c_str(), 0600), 0);
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), errc::not_a_regular_file);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Errors, DeviceAtTheLockPathIsNeverOpened) {
  // A character device (here the null device's numbers) is refused after
  // lstat by every entry point, forced break included, and left in place.
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a device node";
  ASSERT_EQ(::mknod((dir_ / "app.lock").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  EXPECT_EQ(try_lock_error(dir_ / "app.lock"), errc::not_a_regular_file);
  std::error_code ec;
  (void)inspect_lock(dir_ / "app.lock", {}, ec);
  EXPECT_EQ(ec, errc::not_a_regular_file);
  EXPECT_EQ(break_lock(dir_ / "app.lock", {}, true, ec), break_result::refused);
  EXPECT_EQ(ec, errc::not_a_regular_file);
  struct stat st {};
  ASSERT_EQ(::lstat((dir_ / "app.lock").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
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
