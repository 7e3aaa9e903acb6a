// uuid-filelock: a lock file that several processes, on one host or on hosts
// sharing a filesystem, take turns on. See docs/protocol.md for the protocol.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "uuid_filelock/detail/file_handle.hpp"
#include "uuid_filelock/detail/file_identity.hpp"
#include "uuid_filelock/errc.hpp"
#include "uuid_filelock/inspect.hpp"
#include "uuid_filelock/options.hpp"

namespace uuid_filelock {
namespace detail {
class heartbeat;
class heartbeat_watch;
}  // namespace detail

// A lock held by publishing a file whose first line is a fresh UUID, and
// verified by reading the UUID back. Meets the standard TimedLockable
// requirements, so std::lock_guard, std::unique_lock and std::scoped_lock work.
//
// Each object is one would-be holder: threads and processes that want to
// exclude each other use separate objects (one object must not be used by two
// threads at once). Locking an object that already holds the lock fails with
// std::errc::resource_deadlock_would_occur instead of waiting for itself.
//
// Throwing calls raise std::filesystem::filesystem_error (a std::system_error)
// carrying the error code and the lock path; the overloads taking a
// std::error_code& are noexcept and report through it instead.
class UUIDFileLock {
 public:
  // The original signature: polls every `retry_interval` while the lock is held.
  explicit UUIDFileLock(std::filesystem::path lock_file);
  template <class Rep, class Period>
  UUIDFileLock(std::filesystem::path lock_file, std::chrono::duration<Rep, Period> retry_interval)
      : UUIDFileLock(std::move(lock_file), with_retry_interval(retry_interval)) {}
  UUIDFileLock(std::filesystem::path lock_file, options opts);

  // Releases a held lock; errors (such as a lost lock) are dropped here, so
  // call release() first where they matter.
  ~UUIDFileLock();

  UUIDFileLock(UUIDFileLock&& other) noexcept;
  UUIDFileLock& operator=(UUIDFileLock&& other) noexcept;
  UUIDFileLock(const UUIDFileLock&) = delete;
  UUIDFileLock& operator=(const UUIDFileLock&) = delete;

  // Blocks until the lock is held, or throws errc::timeout once
  // options::timeout has passed.
  void acquire();
  void acquire(std::error_code& ec) noexcept;

  // Removes the lock file if it is still ours. If it was removed or replaced
  // by someone else, the other file is left alone and errc::lock_lost is
  // reported; either way this object no longer holds the lock. On any other
  // error the object still holds the lock and release() may be retried.
  void release();
  void release(std::error_code& ec) noexcept;

  // TimedLockable.
  void lock() { acquire(); }
  bool try_lock();
  bool try_lock(std::error_code& ec) noexcept;
  void unlock() noexcept;  // release(), with errors dropped as BasicLockable demands

  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& wait) {
    return try_lock_within(saturating_nanoseconds(wait));
  }
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& wait, std::error_code& ec) noexcept {
    return try_lock_within(saturating_nanoseconds(wait), ec);
  }
  // A deadline on another clock is converted to the steady clock once.
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline) {
    return try_lock_for(deadline - Clock::now());
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      std::error_code& ec) noexcept {
    return try_lock_for(deadline - Clock::now(), ec);
  }

  // For a lock acquired with options::detached: leaves the lock file in place
  // and gives up this object's hold, so that the lock outlives the process;
  // returns its token, which release_detached() takes. Throws
  // std::system_error: errc::not_held if not held, and
  // std::errc::operation_not_permitted without options::detached.
  std::string detach();

  // False in a fork()ed child: the lock stays its parent's.
  bool owns_lock() const noexcept;
  // The UUID of the current acquisition (the lock file's first line), or ""
  // when not held. Every acquisition draws a fresh one.
  const std::string& token() const noexcept { return token_; }
  // The lock path, made absolute at construction so that a later chdir() does
  // not redirect release() to another file.
  const std::filesystem::path& path() const noexcept { return path_; }
  const options& lock_options() const noexcept { return options_; }
  // Who held the lock when the last acquisition attempt (try_lock,
  // try_lock_for, acquire with a timeout) last looked at it, judged as
  // inspect_lock() judges: for saying why an attempt failed without a second
  // look, which could see a later holder or none. lock_state::free after a
  // success, and when the path was never seen taken. On a network
  // filesystem its age may be by this machine's clock (the judging itself
  // never is).
  const lock_status& last_holder() const noexcept { return last_holder_; }

 private:
  template <class Rep, class Period>
  static options with_retry_interval(std::chrono::duration<Rep, Period> retry_interval) {
    options opts;
    opts.retry_interval = saturating_nanoseconds(retry_interval);
    return opts;
  }
  // Converts any duration, clamping instead of overflowing (try_lock_for of
  // duration::max() must mean "forever", not "already expired").
  template <class Rep, class Period>
  static std::chrono::nanoseconds saturating_nanoseconds(std::chrono::duration<Rep, Period> d) {
    using wide = std::chrono::duration<long double, std::nano>;
    const wide w = std::chrono::duration_cast<wide>(d);
    if (w >= wide(std::chrono::nanoseconds::max())) return std::chrono::nanoseconds::max();
    if (w <= wide(0)) return std::chrono::nanoseconds::zero();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(w);
  }

  bool try_lock_within(std::chrono::nanoseconds wait);
  bool try_lock_within(std::chrono::nanoseconds wait, std::error_code& ec) noexcept;
  bool acquire_before(std::chrono::steady_clock::time_point deadline, std::error_code& ec);
  void forget() noexcept;
  void start_heartbeat(std::string record);
  void stop_heartbeat() noexcept;

  std::filesystem::path path_;
  options options_;
  std::string token_;  // empty while not held
  detail::file_identity held_file_;
  detail::file_handle held_handle_;  // keeps the advisory lock while held
  std::size_t held_record_size_ = 0;
  std::uint64_t owner_pid_ = 0;           // fork guard: only this process may release
  std::optional<bool> local_filesystem_;  // the lock directory's, looked up once
  // While it runs (options::heartbeat), it owns the held file, not held_handle_.
  std::unique_ptr<detail::heartbeat> heartbeat_;
  // How long another holder's overdue heartbeat has been seen unchanged;
  // kept across calls, so that polling with try_lock() recovers it too.
  std::unique_ptr<detail::heartbeat_watch> overdue_watch_;
  lock_status last_holder_;
};

}  // namespace uuid_filelock

#include "uuid_filelock/scoped_uuid_file_lock.hpp"
