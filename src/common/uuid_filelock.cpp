// The public class: construction, the standard lock interface, and release.
// Acquisition is in acquire.cpp, stale-lock breaking in break_stale_lock.cpp.
#include "uuid_filelock/uuid_filelock.hpp"

#include <utility>

#include "backend.hpp"
#include "heartbeat.hpp"
#include "heartbeat_watch.hpp"
#include "holder_registry.hpp"
#include "read_back.hpp"
#include "record.hpp"
#include "reporting_errors.hpp"

namespace uuid_filelock {
namespace {

using steady = std::chrono::steady_clock;

std::filesystem::path absolute_or_as_given(std::filesystem::path p) {
  if (p.empty()) return p;  // no lock path at all: acquire reports it
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(p, ec);
  return ec ? p : absolute;
}

steady::time_point deadline_after(std::chrono::nanoseconds wait) {
  const steady::time_point now = steady::now();
  if (wait >= steady::time_point::max() - now) return steady::time_point::max();
  return now + wait;
}

}  // namespace

UUIDFileLock::UUIDFileLock(std::filesystem::path lock_file)
    : UUIDFileLock(std::move(lock_file), options{}) {}

UUIDFileLock::UUIDFileLock(std::filesystem::path lock_file, options opts)
    : path_(absolute_or_as_given(std::move(lock_file))), options_(std::move(opts)) {}

UUIDFileLock::~UUIDFileLock() { unlock(); }

UUIDFileLock::UUIDFileLock(UUIDFileLock&& other) noexcept
    : path_(std::move(other.path_)),
      options_(std::move(other.options_)),
      token_(std::exchange(other.token_, {})),
      held_file_(other.held_file_),
      held_handle_(std::move(other.held_handle_)),
      held_record_size_(other.held_record_size_),
      owner_pid_(other.owner_pid_),
      local_filesystem_(other.local_filesystem_),
      heartbeat_(std::move(other.heartbeat_)),
      overdue_watch_(std::move(other.overdue_watch_)),
      last_holder_(std::move(other.last_holder_)) {}

UUIDFileLock& UUIDFileLock::operator=(UUIDFileLock&& other) noexcept {
  if (this != &other) {
    unlock();
    path_ = std::move(other.path_);
    options_ = std::move(other.options_);
    token_ = std::exchange(other.token_, {});
    held_file_ = other.held_file_;
    held_handle_ = std::move(other.held_handle_);
    held_record_size_ = other.held_record_size_;
    owner_pid_ = other.owner_pid_;
    local_filesystem_ = other.local_filesystem_;
    heartbeat_ = std::move(other.heartbeat_);
    overdue_watch_ = std::move(other.overdue_watch_);
    last_holder_ = std::move(other.last_holder_);
  }
  return *this;
}

bool UUIDFileLock::owns_lock() const noexcept {
  return !token_.empty() && owner_pid_ == detail::current_pid();
}

void UUIDFileLock::acquire() {
  std::error_code ec;
  acquire(ec);
  if (ec) throw std::filesystem::filesystem_error("uuid_filelock: cannot acquire lock", path_, ec);
}

void UUIDFileLock::acquire(std::error_code& ec) noexcept {
  ec.clear();
  const bool acquired = detail::reporting_errors(
      ec,
      [&] {
        const steady::time_point deadline =
            options_.timeout ? deadline_after(*options_.timeout) : steady::time_point::max();
        return acquire_before(deadline, ec);
      },
      false);
  if (!acquired && !ec) ec = errc::timeout;
}

bool UUIDFileLock::try_lock() { return try_lock_within(std::chrono::nanoseconds::zero()); }

bool UUIDFileLock::try_lock(std::error_code& ec) noexcept {
  return try_lock_within(std::chrono::nanoseconds::zero(), ec);
}

bool UUIDFileLock::try_lock_within(std::chrono::nanoseconds wait) {
  std::error_code ec;
  const bool acquired = try_lock_within(wait, ec);
  if (ec) throw std::filesystem::filesystem_error("uuid_filelock: cannot acquire lock", path_, ec);
  return acquired;
}

bool UUIDFileLock::try_lock_within(std::chrono::nanoseconds wait, std::error_code& ec) noexcept {
  ec.clear();
  return detail::reporting_errors(
      ec, [&] { return acquire_before(deadline_after(wait), ec); }, false);
}

void UUIDFileLock::release() {
  std::error_code ec;
  release(ec);
  if (ec) throw std::filesystem::filesystem_error("uuid_filelock: cannot release lock", path_, ec);
}

void UUIDFileLock::release(std::error_code& ec) noexcept {
  ec.clear();
  if (!owns_lock()) {
    // A fork()ed child's copy: forgetting it closes only the child's
    // descriptor; the parent's advisory lock and file stay untouched.
    forget();
    ec = errc::not_held;
    return;
  }
  detail::reporting_errors(
      ec,
      [&] {
        // Only our own file may go. Read it back first: it may have been removed
        // (by an administrator, or by a breaker that judged us dead) or replaced
        // by the next holder, and unlinking by path alone would free their lock.
        const bool local = local_filesystem_.value_or(false);
        // The heartbeat ends first: it owns our handle, and must not write to
        // a file being removed. Should the lock stay held (an error that
        // release() may retry), it beats on.
        const std::string beating = heartbeat_ ? heartbeat_->record() : std::string();
        stop_heartbeat();
        const auto still_held = [&] {
          if (!beating.empty()) start_heartbeat(beating);
          return false;
        };
        const detail::lock_file_snapshot seen =
            detail::read_back(path_, local, held_handle_, held_file_, held_record_size_, ec);
        if (ec) return still_held();
        // As at acquisition, only the UUID counts on a network filesystem.
        if (!seen.exists || (local && seen.identity != held_file_) ||
            detail::parse_record(seen.bytes, seen.truncated).uuid != token_) {
          forget();
          ec = errc::lock_lost;
          return false;
        }
        // Between that check and the unlink only a party that deletes a *live*
        // holder's file could slip in, and the protocol never does that.
        const bool removed = detail::release_lock_file(
            path_, held_handle_, local, options_.durability == durability_level::file_and_directory,
            ec);
        if (ec && !removed) return still_held();
        // Unlink first, then drop the advisory lock (forget closes the file): a
        // waiter woken by the unlock finds the path no longer names this file and
        // competes for the path afresh instead of trusting a dead inode.
        forget();
        // Removed, but flushing the directory failed: the lock is free (anyone
        // may take it now), so it is not ours any more; the error says the
        // removal may not survive a crash.
        if (ec) return false;
        if (!removed) ec = errc::lock_lost;
        return removed;
      },
      false);
}

std::string UUIDFileLock::detach() {
  if (!owns_lock())
    throw std::filesystem::filesystem_error("uuid_filelock: cannot detach", path_, errc::not_held);
  if (!options_.detached) {
    // Its record names this process, which would make it stale at our exit.
    throw std::filesystem::filesystem_error(
        "uuid_filelock: detach() needs options::detached", path_,
        std::make_error_code(std::errc::operation_not_permitted));
  }
  std::string token = token_;
  forget();  // closes our handle; the file stays
  return token;
}

void UUIDFileLock::unlock() noexcept {
  std::error_code ignored;
  if (owns_lock()) {
    release(ignored);
  } else {
    forget();
  }
}

void UUIDFileLock::start_heartbeat(std::string record) {
  heartbeat_ = std::make_unique<detail::heartbeat>(path_, held_handle_, std::move(record),
                                                   *options_.stale_after / 3);
}

void UUIDFileLock::stop_heartbeat() noexcept {
  if (!heartbeat_) return;
  held_handle_ = heartbeat_->stop();
  heartbeat_.reset();
}

void UUIDFileLock::forget() noexcept {
  if (token_.empty()) return;
  if (heartbeat_ && owner_pid_ != detail::current_pid()) {
    // A fork()ed child has no copy of the thread, and its copy of the mutex
    // may be locked: joining or destroying either could hang. The object is
    // left to the parent, whose it is; only the file comes back, to be closed.
    held_handle_ = heartbeat_.release()->take_file_in_child();
  }
  stop_heartbeat();
  if (owner_pid_ == detail::current_pid()) {
    detail::unregister_holder(held_file_);
    // Explicitly, not by close(): a fork()ed child sharing the descriptor
    // would otherwise keep waiters blocked until it exits. (A child must not
    // do this: it would free its parent's lock.)
    detail::drop_advisory_lock(held_handle_);
  }
  held_handle_.close();
  token_.clear();
}

}  // namespace uuid_filelock
