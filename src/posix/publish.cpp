// Atomic, exclusive publication of a lock record on POSIX.
//
// A record written in place (open O_EXCL, then write) is visible empty or half
// written for a moment, and a contender reading it then cannot tell a holder
// from garbage. So the record is written to a file of its own first, and its
// advisory lock taken, and only then is it given the lock name by an operation
// that fails when the name exists. On Linux that file has no name at all
// (O_TMPFILE) and is published with linkat(): a process killed while waiting
// leaves nothing behind. Elsewhere it is a temporary name in the same
// directory, published with renameat2(RENAME_NOREPLACE) or link(). None of
// these ever replaces an existing entry of any type, so a symlink planted at
// the lock path is never followed and never overwritten.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "../common/backend.hpp"
#include "posix_io.hpp"
#include "uuid_filelock/errc.hpp"

namespace uuid_filelock::detail {
namespace {

using posix::last_error;
using posix::retry_on_eintr;

int fd_of(const file_handle& file) { return static_cast<int>(file.native()); }

// Writes a complete record into a new file opened with O_EXCL and `mode`.
// The umask may have narrowed the mode; fchmod then restores what the caller
// asked for (other users sharing the lock may need to read it).
std::error_code write_new_file(int fd, std::string_view record, const publish_settings& settings,
                               file_identity& identity) {
  if (std::error_code ec = posix::write_all(fd, record)) return ec;
  if (settings.sync_file && retry_on_eintr([&] { return ::fsync(fd); }) != 0) return last_error();
  struct stat st {};
  if (::fstat(fd, &st) != 0) return last_error();
  const auto mode = static_cast<mode_t>(settings.mode) & 07777;
  // Best effort: some filesystems (FUSE, CIFS) refuse chmod, and the lock
  // works regardless; only the permissions others see differ.
  if ((st.st_mode & 07777) != mode) (void)::fchmod(fd, mode);
  identity = posix::identity_of(st);
  return {};
}

// Where the calling thread's descriptors are named: /proc/thread-self/fd
// (Linux 3.17), which works in every thread; /proc/self/fd is the main
// thread's view, empty once main has called pthread_exit() while others run
// on. "" where neither exists.
const char* descriptor_directory() {
  static const char* const directory = ::access("/proc/thread-self/fd", X_OK) == 0
                                           ? "/proc/thread-self/fd/"
                                       : ::access("/proc/self/fd", X_OK) == 0 ? "/proc/self/fd/"
                                                                              : "";
  return directory;
}

// An unnamed file in `directory` (Linux O_TMPFILE), published later through
// its descriptor's name (descriptor_directory); -1 where either is missing.
int open_unnamed(const std::filesystem::path& directory, const publish_settings& settings) {
#ifdef O_TMPFILE
  if (*descriptor_directory() != '\0') {
    return retry_on_eintr([&] {
      return ::open(directory.empty() ? "." : directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC,
                    static_cast<mode_t>(settings.mode));
    });
  }
#else
  (void)directory;
  (void)settings;
#endif
  errno = EOPNOTSUPP;
  return -1;
}

// Filesystems and kernels without O_TMPFILE answer with one of these; a real
// failure (missing directory, no permission, read-only) does not.
bool unnamed_files_unsupported(int error) {
  return error == EOPNOTSUPP || error == EISDIR || error == EINVAL || error == ENOSYS;
}

std::string descriptor_path(const file_handle& file) {
  return descriptor_directory() + std::to_string(file.native());
}

int open_exclusive(const std::filesystem::path& path, const publish_settings& settings) {
  return retry_on_eintr([&] {
    return ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  static_cast<mode_t>(settings.mode));
  });
}

// What filesystems without hard links or exclusive rename answer: sshfs
// gives EINVAL for RENAME_NOREPLACE, rclone mounts EIO for link(). A real
// I/O error shows again in the next step, which reports it.
bool is_unsupported(int error) {
  return error == EINVAL || error == ENOSYS || error == ENOTSUP || error == EOPNOTSUPP ||
         error == EPERM || error == EMLINK || error == EIO;
}

enum class step { published, already_exists, unsupported, failed };

// Reads errno right after the call, before anything can overwrite it.
// `source` is the temporary name being published, if any.
step classify(int result, const std::filesystem::path& source, std::error_code& ec) {
  if (result == 0) return step::published;
  const int error = errno;
  if (error == EEXIST) return step::already_exists;
  if (is_unsupported(error)) return step::unsupported;
  // A FUSE client (sshfs) answers ENOENT when the name it had just looked up
  // as taken is removed by another host during the call: the holder let go.
  // Only while our own temporary file is there: else the directory is gone.
  struct stat st {};
  if (posix::is_gone(error) && !source.empty() && ::lstat(source.c_str(), &st) == 0)
    return step::already_exists;
  ec = {error, std::system_category()};
  return step::failed;
}

// Last resort for filesystems without hard links or exclusive rename (some
// FUSE and SMB mounts): create the lock name itself with O_EXCL, take the
// advisory lock before writing. Readers may see the record empty for a
// moment; they treat an empty record as someone else's lock being written.
publish_outcome create_in_place(prepared_record& prepared, const std::filesystem::path& lock_path,
                                std::string_view record, const publish_settings& settings,
                                std::error_code& ec) {
  file_handle file(open_exclusive(lock_path, settings));
  if (!file.is_open()) {
    // SFTP (sshfs) has no "exists" status: the loser of an O_EXCL race gets
    // EPERM or EACCES. The temporary file was created in this directory a
    // moment ago, so the denial is about the name being taken.
    const int error = errno;
    struct stat st {};
    const bool taken = error == EEXIST || ((error == EPERM || error == EACCES) &&
                                           ::lstat(lock_path.c_str(), &st) == 0);
    if (!taken) ec = {error, std::system_category()};
    return publish_outcome::already_exists;
  }
  const bool advisory_held = settings.advisory && posix::take_exclusive_advisory_lock(fd_of(file));
  file_identity identity;
  ec = write_new_file(fd_of(file), record, settings, identity);
  if (ec) {
    // We created this name exclusively a moment ago: it is ours to take back.
    ::unlink(lock_path.c_str());
    return publish_outcome::already_exists;
  }
  prepared = prepared_record{};  // the temporary file is not needed
  prepared.file = std::move(file);
  prepared.identity = identity;
  prepared.advisory_held = advisory_held;
  return publish_outcome::published;
}

}  // namespace

void discard_temporary(prepared_record& prepared) noexcept {
  if (prepared.temp_path.empty()) return;
  // Closed first: some FUSE clients refuse to remove a file open for writing
  // (rclone) or hide it under a .fuse_hidden* name instead (libfuse).
  prepared.file.close();
  ::unlink(prepared.temp_path.c_str());
  prepared.temp_path.clear();
}

prepared_record prepare_record(const std::filesystem::path& lock_path, std::string_view record,
                               std::string_view unique_tag, const publish_settings& settings,
                               std::error_code& ec) noexcept {
  ec.clear();
  prepared_record prepared;
  prepared.file = file_handle(open_unnamed(lock_path.parent_path(), settings));
  if (!prepared.file.is_open() && !unnamed_files_unsupported(errno)) {
    ec = last_error();
    return prepared;
  }
  if (!prepared.file.is_open()) {
    // A short fixed-length name: a lock name near NAME_MAX must not make the
    // temporary name too long. The tag (the acquisition's UUID) makes it
    // unique.
    std::filesystem::path temp_path =
        lock_path.parent_path() / (".uuid-filelock-" + std::string(unique_tag) + ".tmp");
    prepared.file = file_handle(open_exclusive(temp_path, settings));
    if (!prepared.file.is_open()) {
      ec = last_error();
      return prepared;
    }
    prepared.temp_path = std::move(temp_path);
  }
  // The advisory lock is taken before the file can be seen at the lock path,
  // so nobody ever finds a published record of ours without it.
  prepared.advisory_held =
      settings.advisory && posix::take_exclusive_advisory_lock(fd_of(prepared.file));
  ec = write_new_file(fd_of(prepared.file), record, settings, prepared.identity);
  if (ec) prepared = prepared_record{};  // unlinks the temporary file
  return prepared;
}

void rewrite_record(prepared_record& prepared, std::string_view record,
                    const publish_settings& settings, std::error_code& ec) noexcept {
  ec.clear();
  const int fd = fd_of(prepared.file);
  const ssize_t written =
      retry_on_eintr([&] { return ::pwrite(fd, record.data(), record.size(), 0); });
  if (written != static_cast<ssize_t>(record.size())) {
    ec = written < 0 ? last_error() : std::make_error_code(std::errc::io_error);
    return;
  }
  if (settings.sync_file && retry_on_eintr([&] { return ::fsync(fd); }) != 0) ec = last_error();
}

std::chrono::system_clock::time_point stamp_record(const file_handle& file, std::string_view record,
                                                   std::error_code& ec) noexcept {
  ec.clear();
  const int fd = fd_of(file);
  const ssize_t written =
      retry_on_eintr([&] { return ::pwrite(fd, record.data(), record.size(), 0); });
  if (written != static_cast<ssize_t>(record.size())) {
    ec = written < 0 ? last_error() : std::make_error_code(std::errc::io_error);
    return {};
  }
  // Through the descriptor: FUSE and NFS ask the server for it.
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ec = last_error();
    return {};
  }
  return posix::modification_time(st);
}

std::chrono::system_clock::time_point stamp_held_record(const std::filesystem::path& lock_path,
                                                        const file_handle& held,
                                                        std::string_view record,
                                                        std::error_code& ec) noexcept {
  if (held.is_open()) return stamp_record(held, record, ec);
  // Opened without following a symlink, creating, or blocking on a FIFO; the
  // bytes are compared and rewritten through the same descriptor, so a file
  // that replaced ours at the path (another holder's) is read, never written.
  const file_handle file(retry_on_eintr([&] {
    return ::open(lock_path.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  }));
  if (!file.is_open()) {
    ec = last_error();
    return {};
  }
  // Something swapped in since our last look is never read or written: a
  // device may react to both.
  struct stat st {};
  if (::fstat(fd_of(file), &st) != 0 || !S_ISREG(st.st_mode)) {
    ec = errc::lock_lost;
    return {};
  }
  std::string seen(record.size() + 1, '\0');
  const ssize_t got =
      retry_on_eintr([&] { return ::pread(fd_of(file), seen.data(), seen.size(), 0); });
  if (got < 0) {
    ec = last_error();
    return {};
  }
  seen.resize(static_cast<std::size_t>(got));
  if (seen != record) {
    ec = errc::lock_lost;
    return {};
  }
  // Closing (at return) hands the rewrite to clients that send data on close.
  return stamp_record(file, record, ec);
}

namespace {

publish_outcome publish_exclusively(prepared_record& prepared,
                                    const std::filesystem::path& lock_path, std::string_view record,
                                    const publish_settings& settings,
                                    std::error_code& ec) noexcept {
  ec.clear();
  step result = step::unsupported;
  if (prepared.temp_path.empty()) {
    // An unnamed file gets its first name; linkat fails if the name exists.
    result = classify(retry_on_eintr([&] {
                        return ::linkat(AT_FDCWD, descriptor_path(prepared.file).c_str(), AT_FDCWD,
                                        lock_path.c_str(), AT_SYMLINK_FOLLOW);
                      }),
                      {}, ec);
  }
#ifdef RENAME_NOREPLACE
  if (!prepared.temp_path.empty()) {
    result = classify(retry_on_eintr([&] {
                        return ::renameat2(AT_FDCWD, prepared.temp_path.c_str(), AT_FDCWD,
                                           lock_path.c_str(), RENAME_NOREPLACE);
                      }),
                      prepared.temp_path, ec);
  }
#endif
  if (result == step::unsupported && !prepared.temp_path.empty()) {
    // link() keeps the inode and the advisory lock on it; the temporary name
    // is unlinked right after.
    result = classify(
        retry_on_eintr([&] { return ::link(prepared.temp_path.c_str(), lock_path.c_str()); }),
        prepared.temp_path, ec);
    if (result == step::published) ::unlink(prepared.temp_path.c_str());
  }
  switch (result) {
    case step::published:
      prepared.temp_path.clear();
      if (settings.sync_directory) ec = posix::sync_parent_directory(lock_path);
      // A lock we cannot make durable is one we do not keep: it is ours, so
      // taking it back cannot free anyone else's.
      if (ec) ::unlink(lock_path.c_str());
      return publish_outcome::published;
    case step::unsupported:
      return create_in_place(prepared, lock_path, record, settings, ec);
    case step::already_exists:
    case step::failed:
      break;
  }
  return publish_outcome::already_exists;
}

}  // namespace

publish_outcome publish_prepared(prepared_record& prepared, const std::filesystem::path& lock_path,
                                 std::string_view record, const publish_settings& settings,
                                 std::error_code& ec) noexcept {
  const publish_outcome outcome = publish_exclusively(prepared, lock_path, record, settings, ec);
  // On a network filesystem the published file is closed at once. Some
  // clients show a file's data to others, or even to its own writer (rclone
  // without a write cache), only once the writer closed it; with a write
  // cache (rclone) they show the writer its own copy while it is open, so a
  // competing client's record written over ours could never surface at
  // verification. Nothing needs the descriptor there: no advisory locks,
  // heartbeats go by path (stamp_held_record), release unlinks by path.
  if (outcome == publish_outcome::published && !settings.local) prepared.file.close();
  return outcome;
}

}  // namespace uuid_filelock::detail
