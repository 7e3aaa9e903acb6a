// Atomic, exclusive publication of a lock record on POSIX.
//
// A record written in place (open O_EXCL, then write) is visible empty or half
// written for a moment, and a contender reading it then cannot tell a holder
// from garbage. So the record is written and closed under a temporary name in
// the same directory first, and only then given the lock name by an operation
// that fails when the name exists: renameat2(RENAME_NOREPLACE) where the
// kernel and filesystem have it, else link(). Both never replace an existing
// entry of any type, so a symlink planted at the lock path is never followed
// and never overwritten.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {
namespace {

using posix::last_error;
using posix::retry_on_eintr;
using posix::unique_fd;

// Unlinks the temporary file unless rename consumed it: a failed or lost
// attempt leaves nothing behind.
class temp_file {
 public:
  explicit temp_file(std::filesystem::path path) : path_(std::move(path)) {}
  ~temp_file() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  void consumed() noexcept { path_.clear(); }

 private:
  std::filesystem::path path_;
};

bool is_unsupported(int error) {
  return error == EINVAL || error == ENOSYS || error == ENOTSUP || error == EOPNOTSUPP ||
         error == EPERM || error == EMLINK;
}

enum class step { published, already_exists, unsupported, failed };

// Reads errno right after the call, before anything can overwrite it.
step classify(int result, std::error_code& ec) {
  if (result == 0) return step::published;
  if (errno == EEXIST) return step::already_exists;
  if (is_unsupported(errno)) return step::unsupported;
  ec = last_error();
  return step::failed;
}

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

// Last resort for filesystems without hard links or exclusive rename (some
// FUSE and SMB mounts): create the lock name itself with O_EXCL. Readers may
// then see the record empty for a moment; they treat an unreadable record as
// someone else's lock, never as ours.
publish_outcome create_in_place(const std::filesystem::path& lock_path, std::string_view record,
                                const publish_settings& settings, file_identity& published,
                                std::error_code& ec) {
  unique_fd fd(retry_on_eintr([&] {
    return ::open(lock_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  static_cast<mode_t>(settings.mode));
  }));
  if (!fd) {
    if (errno == EEXIST) return publish_outcome::already_exists;
    ec = last_error();
    return publish_outcome::already_exists;
  }
  ec = write_new_file(fd.get(), record, settings, published);
  if (!ec) ec = fd.close();
  // We created this name exclusively a moment ago: it is ours to take back.
  if (ec) ::unlink(lock_path.c_str());
  return publish_outcome::published;
}

}  // namespace

publish_outcome publish_exclusive(const std::filesystem::path& lock_path, std::string_view record,
                                  std::string_view unique_tag, const publish_settings& settings,
                                  file_identity& published_file, std::error_code& ec) noexcept {
  ec.clear();
  // A short fixed-length name: a lock name near NAME_MAX must not make the
  // temporary name too long. The tag (the attempt's UUID) makes it unique.
  temp_file temp(lock_path.parent_path() / (".uuid-filelock-" + std::string(unique_tag) + ".tmp"));
  {
    unique_fd fd(retry_on_eintr([&] {
      return ::open(temp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    static_cast<mode_t>(settings.mode));
    }));
    if (!fd) {
      ec = last_error();
      temp.consumed();  // never created: nothing to unlink
      return publish_outcome::already_exists;
    }
    ec = write_new_file(fd.get(), record, settings, published_file);
    if (!ec) ec = fd.close();
    if (ec) return publish_outcome::already_exists;
  }

  step result = step::unsupported;
#ifdef RENAME_NOREPLACE
  result = classify(retry_on_eintr([&] {
                      return ::renameat2(AT_FDCWD, temp.path().c_str(), AT_FDCWD, lock_path.c_str(),
                                         RENAME_NOREPLACE);
                    }),
                    ec);
  if (result == step::published) temp.consumed();
#endif
  if (result == step::unsupported) {
    // link() keeps the inode, so published_file stays right; the temporary
    // name is unlinked by `temp` afterwards.
    result = classify(
        retry_on_eintr([&] { return ::link(temp.path().c_str(), lock_path.c_str()); }), ec);
  }
  switch (result) {
    case step::published:
      if (settings.sync_directory) ec = posix::sync_parent_directory(lock_path);
      // A lock we cannot make durable is one we do not keep: it is ours, so
      // taking it back cannot free anyone else's.
      if (ec) ::unlink(lock_path.c_str());
      return publish_outcome::published;
    case step::unsupported:
      return create_in_place(lock_path, record, settings, published_file, ec);
    case step::already_exists:
    case step::failed:
      break;
  }
  return publish_outcome::already_exists;
}

}  // namespace uuid_filelock::detail
