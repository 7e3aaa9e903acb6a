#include "syscall_faults.hpp"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <utility>

namespace uuid_filelock::fault {
namespace {

struct armed_state {
  std::optional<fault_plan> plan;
  std::map<std::string, int> counts;
  armed_record record;
  bool inside = false;  // recording itself must never be recorded
};

std::atomic<bool> unnamed_files_supported{true};

// A plain pointer: a thread_local with a destructor could be gone while the
// thread, exiting, still closes descriptors through the wrappers below.
thread_local armed_state* armed = nullptr;

// The errno to fail this call with, or 0 to make the real call. `describe`
// runs only on an armed thread, so unarmed calls cost one load.
template <class Describe>
int planned_error(const char* function, unsigned traits, Describe&& describe) {
  armed_state* state = armed;
  if (state == nullptr || state->inside) return 0;
  const int saved_errno = errno;  // the real call must see errno as its caller left it
  state->inside = true;
  const int occurrence = ++state->counts[function];
  state->record.calls.push_back({function, describe(), traits, occurrence});
  int error = 0;
  if (state->plan && state->plan->function == function && state->plan->occurrence == occurrence) {
    error = state->plan->error;
    state->record.fired = true;
  }
  state->inside = false;
  errno = saved_errno;
  return error;
}

// The C library's own definition of a function defined here too.
template <class Function>
Function next_definition(const char* name) {
  void* found = ::dlsym(RTLD_NEXT, name);
  if (found == nullptr) {
    std::fprintf(stderr, "fault injection: no next definition of %s\n", name);
    std::abort();
  }
  Function function;
  static_assert(sizeof function == sizeof found);
  std::memcpy(&function, &found, sizeof function);
  return function;
}

int failed(int error) {
  errno = error;
  return -1;
}

std::string path_text(const char* path) { return path == nullptr ? "(null)" : path; }

std::string fd_text(int fd) { return "fd " + std::to_string(fd); }

std::string at_text(int dirfd, const char* path) {
  return (dirfd == AT_FDCWD ? std::string() : fd_text(dirfd) + " ") + path_text(path);
}

bool opens_unnamed(int flags) { return (flags & O_TMPFILE) == O_TMPFILE; }

bool takes_mode(int flags) { return (flags & O_CREAT) != 0 || opens_unnamed(flags); }

bool refuses_unnamed(int flags) { return opens_unnamed(flags) && !unnamed_files_supported; }

unsigned open_traits(int flags) {
  unsigned traits = 0;
  if (takes_mode(flags)) traits |= creates;
  if ((flags & O_ACCMODE) != O_RDONLY) traits |= writes;
  if (opens_unnamed(flags)) {
    traits |= unnamed;
  } else if ((flags & O_DIRECTORY) != 0) {
    traits |= directory;
  }
  return traits;
}

std::string open_flags_text(int flags) {
  std::string text = (flags & O_ACCMODE) == O_RDONLY   ? "O_RDONLY"
                     : (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
                                                       : "O_RDWR";
  if (opens_unnamed(flags)) {
    text += "|O_TMPFILE";
  } else if ((flags & O_DIRECTORY) != 0) {
    text += "|O_DIRECTORY";
  }
  if ((flags & O_CREAT) != 0) text += "|O_CREAT";
  if ((flags & O_EXCL) != 0) text += "|O_EXCL";
  if ((flags & O_NOFOLLOW) != 0) text += "|O_NOFOLLOW";
  return text;
}

unsigned flock_traits(int operation) {
  if ((operation & (LOCK_SH | LOCK_EX)) == 0) return 0;  // LOCK_UN
  return (operation & LOCK_NB) != 0 ? locks : locks | blocking;
}

std::string flock_text(int fd, int operation) {
  std::string text = fd_text(fd);
  text += (operation & LOCK_EX) != 0 ? " LOCK_EX" : (operation & LOCK_SH) != 0 ? " LOCK_SH" : "";
  if ((operation & LOCK_UN) != 0) text += " LOCK_UN";
  if ((operation & LOCK_NB) != 0) text += "|LOCK_NB";
  return text;
}

unsigned fcntl_traits(int command) {
  switch (command) {
    case F_SETLKW:
    case F_OFD_SETLKW:
      return locks | blocking;
    case F_SETLK:
    case F_GETLK:
    case F_OFD_SETLK:
    case F_OFD_GETLK:
      return locks;
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      return duplicates;
    default:
      return 0;
  }
}

}  // namespace

void arm(std::optional<fault_plan> plan) {
  delete armed;
  armed = new armed_state;
  armed->plan = std::move(plan);
}

armed_record disarm() {
  armed_record record;
  if (armed != nullptr) record = std::move(armed->record);
  delete armed;
  armed = nullptr;
  return record;
}

void set_unnamed_files_supported(bool supported) { unnamed_files_supported = supported; }

const std::vector<std::string>& wrapped_functions() {
  static const std::vector<std::string> names{
      // Opening, reading, writing and closing files.
      "open", "openat", "read", "pread", "write", "pwrite", "fsync", "fdatasync", "close", "fchmod",
      // Looking at files and filesystems.
      "stat", "lstat", "fstat", "fstatat", "statx", "statfs", "fstatfs", "access", "readlink",
      "getcwd",
      // Naming and removing files.
      "link", "linkat", "rename", "renameat", "renameat2", "unlink", "unlinkat",
      // Listing directories.
      "opendir", "readdir", "closedir",
      // Locks.
      "flock", "fcntl",
      // Everything else: randomness, time, the host, other processes.
      "getrandom", "getentropy", "nanosleep", "gethostname", "kill"};
  return names;
}

}  // namespace uuid_filelock::fault

// The wrappers. Each has the C library's exact signature (exception
// specification included), asks planned_error() whether to fail, and
// otherwise calls the next definition, the C library's.
using uuid_filelock::fault::at_text;
using uuid_filelock::fault::blocking;
using uuid_filelock::fault::failed;
using uuid_filelock::fault::fcntl_traits;
using uuid_filelock::fault::fd_text;
using uuid_filelock::fault::flock_text;
using uuid_filelock::fault::flock_traits;
using uuid_filelock::fault::next_definition;
using uuid_filelock::fault::open_flags_text;
using uuid_filelock::fault::open_traits;
using uuid_filelock::fault::path_text;
using uuid_filelock::fault::planned_error;
using uuid_filelock::fault::refuses_unnamed;
using uuid_filelock::fault::takes_mode;

extern "C" {

int open(const char* path, int flags, ...) {
  static const auto real = next_definition<decltype(&open)>("open");
  mode_t mode = 0;
  if (takes_mode(flags)) {
    va_list arguments;
    va_start(arguments, flags);
    mode = va_arg(arguments, mode_t);
    va_end(arguments);
  }
  if (refuses_unnamed(flags)) return failed(EOPNOTSUPP);
  if (const int error = planned_error("open", open_traits(flags), [&] {
        return path_text(path) + " " + open_flags_text(flags);
      }))
    return failed(error);
  return real(path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  static const auto real = next_definition<decltype(&openat)>("openat");
  mode_t mode = 0;
  if (takes_mode(flags)) {
    va_list arguments;
    va_start(arguments, flags);
    mode = va_arg(arguments, mode_t);
    va_end(arguments);
  }
  if (refuses_unnamed(flags)) return failed(EOPNOTSUPP);
  if (const int error = planned_error("openat", open_traits(flags), [&] {
        return at_text(dirfd, path) + " " + open_flags_text(flags);
      }))
    return failed(error);
  return real(dirfd, path, flags, mode);
}

ssize_t read(int fd, void* buffer, size_t size) {
  static const auto real = next_definition<decltype(&read)>("read");
  if (const int error = planned_error("read", 0, [&] { return fd_text(fd); })) return failed(error);
  return real(fd, buffer, size);
}

ssize_t pread(int fd, void* buffer, size_t size, off_t offset) {
  static const auto real = next_definition<decltype(&pread)>("pread");
  if (const int error = planned_error("pread", 0, [&] { return fd_text(fd); }))
    return failed(error);
  return real(fd, buffer, size, offset);
}

ssize_t write(int fd, const void* buffer, size_t size) {
  static const auto real = next_definition<decltype(&write)>("write");
  if (const int error = planned_error("write", 0, [&] { return fd_text(fd); }))
    return failed(error);
  return real(fd, buffer, size);
}

ssize_t pwrite(int fd, const void* buffer, size_t size, off_t offset) {
  static const auto real = next_definition<decltype(&pwrite)>("pwrite");
  if (const int error = planned_error("pwrite", 0, [&] { return fd_text(fd); }))
    return failed(error);
  return real(fd, buffer, size, offset);
}

int fstat(int fd, struct stat* status) noexcept {
  static const auto real = next_definition<decltype(&fstat)>("fstat");
  if (const int error = planned_error("fstat", 0, [&] { return fd_text(fd); }))
    return failed(error);
  return real(fd, status);
}

int lstat(const char* path, struct stat* status) noexcept {
  static const auto real = next_definition<decltype(&lstat)>("lstat");
  if (const int error = planned_error("lstat", 0, [&] { return path_text(path); }))
    return failed(error);
  return real(path, status);
}

int stat(const char* path, struct stat* status) noexcept {
  static const auto real = next_definition<decltype(&stat)>("stat");
  if (const int error = planned_error("stat", 0, [&] { return path_text(path); }))
    return failed(error);
  return real(path, status);
}

int fstatat(int dirfd, const char* path, struct stat* status, int flags) noexcept {
  static const auto real = next_definition<decltype(&fstatat)>("fstatat");
  if (const int error = planned_error("fstatat", 0, [&] { return at_text(dirfd, path); }))
    return failed(error);
  return real(dirfd, path, status, flags);
}

int statx(int dirfd, const char* path, int flags, unsigned int mask,
          struct statx* status) noexcept {
  static const auto real = next_definition<decltype(&statx)>("statx");
  if (const int error = planned_error("statx", 0, [&] { return at_text(dirfd, path); }))
    return failed(error);
  return real(dirfd, path, flags, mask, status);
}

int link(const char* from, const char* to) noexcept {
  static const auto real = next_definition<decltype(&link)>("link");
  if (const int error = planned_error("link", 0, [&] { return path_text(from) + " -> " + to; }))
    return failed(error);
  return real(from, to);
}

int linkat(int from_dirfd, const char* from, int to_dirfd, const char* to, int flags) noexcept {
  static const auto real = next_definition<decltype(&linkat)>("linkat");
  if (const int error = planned_error(
          "linkat", 0, [&] { return at_text(from_dirfd, from) + " -> " + at_text(to_dirfd, to); }))
    return failed(error);
  return real(from_dirfd, from, to_dirfd, to, flags);
}

int rename(const char* from, const char* to) noexcept {
  static const auto real = next_definition<decltype(&rename)>("rename");
  if (const int error = planned_error("rename", 0, [&] { return path_text(from) + " -> " + to; }))
    return failed(error);
  return real(from, to);
}

int renameat(int from_dirfd, const char* from, int to_dirfd, const char* to) noexcept {
  static const auto real = next_definition<decltype(&renameat)>("renameat");
  if (const int error = planned_error("renameat", 0, [&] {
        return at_text(from_dirfd, from) + " -> " + at_text(to_dirfd, to);
      }))
    return failed(error);
  return real(from_dirfd, from, to_dirfd, to);
}

int renameat2(int from_dirfd, const char* from, int to_dirfd, const char* to,
              unsigned int flags) noexcept {
  static const auto real = next_definition<decltype(&renameat2)>("renameat2");
  if (const int error = planned_error("renameat2", 0, [&] {
        return at_text(from_dirfd, from) + " -> " + at_text(to_dirfd, to);
      }))
    return failed(error);
  return real(from_dirfd, from, to_dirfd, to, flags);
}

int unlink(const char* path) noexcept {
  static const auto real = next_definition<decltype(&unlink)>("unlink");
  if (const int error = planned_error("unlink", 0, [&] { return path_text(path); }))
    return failed(error);
  return real(path);
}

int unlinkat(int dirfd, const char* path, int flags) noexcept {
  static const auto real = next_definition<decltype(&unlinkat)>("unlinkat");
  if (const int error = planned_error("unlinkat", 0, [&] { return at_text(dirfd, path); }))
    return failed(error);
  return real(dirfd, path, flags);
}

int fsync(int fd) {
  static const auto real = next_definition<decltype(&fsync)>("fsync");
  if (const int error = planned_error("fsync", 0, [&] { return fd_text(fd); }))
    return failed(error);
  return real(fd);
}

int fdatasync(int fd) {
  static const auto real = next_definition<decltype(&fdatasync)>("fdatasync");
  if (const int error = planned_error("fdatasync", 0, [&] { return fd_text(fd); }))
    return failed(error);
  return real(fd);
}

int flock(int fd, int operation) noexcept {
  static const auto real = next_definition<decltype(&flock)>("flock");
  if (const int error = planned_error("flock", flock_traits(operation),
                                      [&] { return flock_text(fd, operation); }))
    return failed(error);
  return real(fd, operation);
}

int fcntl(int fd, int command, ...) {
  static const auto real = next_definition<decltype(&fcntl)>("fcntl");
  // Every fcntl() argument is an int or a pointer, passed on as the C
  // library itself reads it.
  va_list arguments;
  va_start(arguments, command);
  void* argument = va_arg(arguments, void*);
  va_end(arguments);
  if (const int error = planned_error("fcntl", fcntl_traits(command), [&] {
        return fd_text(fd) + " command " + std::to_string(command);
      }))
    return failed(error);
  return real(fd, command, argument);
}

int close(int fd) {
  static const auto real = next_definition<decltype(&close)>("close");
  if (const int error = planned_error("close", 0, [&] { return fd_text(fd); })) {
    // Linux frees the descriptor whatever close() reports, EINTR included.
    real(fd);
    return failed(error);
  }
  return real(fd);
}

ssize_t getrandom(void* buffer, size_t size, unsigned int flags) {
  static const auto real = next_definition<decltype(&getrandom)>("getrandom");
  if (const int error =
          planned_error("getrandom", 0, [&] { return std::to_string(size) + " bytes"; }))
    return failed(error);
  return real(buffer, size, flags);
}

int getentropy(void* buffer, size_t size) {
  static const auto real = next_definition<decltype(&getentropy)>("getentropy");
  if (const int error =
          planned_error("getentropy", 0, [&] { return std::to_string(size) + " bytes"; }))
    return failed(error);
  return real(buffer, size);
}

ssize_t readlink(const char* path, char* buffer, size_t size) noexcept {
  static const auto real = next_definition<decltype(&readlink)>("readlink");
  if (const int error = planned_error("readlink", 0, [&] { return path_text(path); }))
    return failed(error);
  return real(path, buffer, size);
}

int statfs(const char* path, struct statfs* status) noexcept {
  static const auto real = next_definition<decltype(&statfs)>("statfs");
  if (const int error = planned_error("statfs", 0, [&] { return path_text(path); }))
    return failed(error);
  return real(path, status);
}

int fstatfs(int fd, struct statfs* status) noexcept {
  static const auto real = next_definition<decltype(&fstatfs)>("fstatfs");
  if (const int error = planned_error("fstatfs", 0, [&] { return fd_text(fd); }))
    return failed(error);
  return real(fd, status);
}

DIR* opendir(const char* path) {
  static const auto real = next_definition<decltype(&opendir)>("opendir");
  if (const int error = planned_error("opendir", 0, [&] { return path_text(path); })) {
    errno = error;
    return nullptr;
  }
  return real(path);
}

struct dirent* readdir(DIR* listing) {
  static const auto real = next_definition<decltype(&readdir)>("readdir");
  if (const int error = planned_error("readdir", 0, [] { return std::string(); })) {
    errno = error;
    return nullptr;
  }
  return real(listing);
}

int closedir(DIR* listing) {
  static const auto real = next_definition<decltype(&closedir)>("closedir");
  if (const int error = planned_error("closedir", 0, [] { return std::string(); })) {
    real(listing);  // like close(): the stream is gone whatever it reports
    return failed(error);
  }
  return real(listing);
}

int access(const char* path, int mode) noexcept {
  static const auto real = next_definition<decltype(&access)>("access");
  if (const int error = planned_error("access", 0, [&] { return path_text(path); }))
    return failed(error);
  return real(path, mode);
}

int fchmod(int fd, mode_t mode) noexcept {
  static const auto real = next_definition<decltype(&fchmod)>("fchmod");
  if (const int error = planned_error("fchmod", 0, [&] { return fd_text(fd); }))
    return failed(error);
  return real(fd, mode);
}

char* getcwd(char* buffer, size_t size) noexcept {
  static const auto real = next_definition<decltype(&getcwd)>("getcwd");
  if (const int error = planned_error("getcwd", 0, [] { return std::string(); })) {
    errno = error;
    return nullptr;
  }
  return real(buffer, size);
}

int nanosleep(const struct timespec* duration, struct timespec* remaining) {
  static const auto real = next_definition<decltype(&nanosleep)>("nanosleep");
  if (const int error = planned_error("nanosleep", blocking, [] { return std::string(); }))
    return failed(error);
  return real(duration, remaining);
}

int gethostname(char* name, size_t size) noexcept {
  static const auto real = next_definition<decltype(&gethostname)>("gethostname");
  if (const int error = planned_error("gethostname", 0, [] { return std::string(); }))
    return failed(error);
  return real(name, size);
}

int kill(pid_t pid, int signal) noexcept {
  static const auto real = next_definition<decltype(&kill)>("kill");
  if (const int error = planned_error("kill", 0, [&] { return "pid " + std::to_string(pid); }))
    return failed(error);
  return real(pid, signal);
}

}  // extern "C"
