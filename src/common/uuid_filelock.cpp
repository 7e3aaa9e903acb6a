// The UUID lock protocol. Portable: everything OS-specific is behind
// backend.hpp. Each step says which race it closes.
#include "uuid_filelock/uuid_filelock.hpp"

#include <new>
#include <thread>
#include <utility>

#include "backend.hpp"
#include "record.hpp"
#include "retry_pause.hpp"
#include "token.hpp"

namespace uuid_filelock {
namespace {

using steady = std::chrono::steady_clock;

std::filesystem::path absolute_or_as_given(std::filesystem::path p) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(p, ec);
  return ec ? p : absolute;
}

steady::time_point deadline_after(std::chrono::nanoseconds wait) {
  const steady::time_point now = steady::now();
  if (wait >= steady::time_point::max() - now) return steady::time_point::max();
  return now + wait;
}

// The noexcept overloads run the protocol through this: allocation failures
// and entropy failures become error codes instead of std::terminate.
template <class F>
bool reporting_errors(std::error_code& ec, F&& step) noexcept {
  try {
    return step();
  } catch (const std::system_error& e) {
    ec = e.code();
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
  }
  return false;
}

detail::publish_settings publish_settings_of(const options& opts) {
  return {opts.mode, opts.durability != durability_level::none,
          opts.durability == durability_level::file_and_directory};
}

bool record_is_ours(const detail::lock_file_snapshot& seen, const detail::file_identity& file,
                    const std::string& token) {
  return seen.exists && seen.identity == file && detail::record_uuid(seen.bytes) == token;
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
      held_file_(other.held_file_) {}

UUIDFileLock& UUIDFileLock::operator=(UUIDFileLock&& other) noexcept {
  if (this != &other) {
    unlock();
    path_ = std::move(other.path_);
    options_ = std::move(other.options_);
    token_ = std::exchange(other.token_, {});
    held_file_ = other.held_file_;
  }
  return *this;
}

void UUIDFileLock::acquire() {
  std::error_code ec;
  acquire(ec);
  if (ec) throw std::filesystem::filesystem_error("uuid_filelock: cannot acquire lock", path_, ec);
}

void UUIDFileLock::acquire(std::error_code& ec) noexcept {
  ec.clear();
  const bool acquired = reporting_errors(ec, [&] {
    const steady::time_point deadline =
        options_.timeout ? deadline_after(*options_.timeout) : steady::time_point::max();
    return acquire_before(deadline, ec);
  });
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
  return reporting_errors(ec, [&] { return acquire_before(deadline_after(wait), ec); });
}

bool UUIDFileLock::acquire_before(steady::time_point deadline, std::error_code& ec) {
  // Waiting for ourselves would never end (std::mutex reports the same).
  if (owns_lock()) {
    ec = std::make_error_code(std::errc::resource_deadlock_would_occur);
    return false;
  }
  if (!path_.has_filename()) {
    ec = std::make_error_code(std::errc::is_a_directory);
    return false;
  }
  for (;;) {
    switch (attempt(ec)) {
      case attempt_result::acquired:
        return true;
      case attempt_result::failed:
        return false;
      case attempt_result::held_by_other: {
        const steady::time_point now = steady::now();
        if (now >= deadline) return false;
        const std::chrono::nanoseconds pause = detail::jittered(options_.retry_interval);
        std::this_thread::sleep_for(pause < deadline - now ? pause : deadline - now);
        break;
      }
      case attempt_result::vanished:
        // The holder let go between our publish and our look: try again at
        // once rather than sleeping through a free lock.
        if (steady::now() >= deadline) return false;
        break;
    }
  }
}

UUIDFileLock::attempt_result UUIDFileLock::attempt(std::error_code& ec) {
  // A fresh UUID per attempt: a record left behind by any earlier attempt or
  // acquisition (ours included) can never pass for the current one.
  std::string token = detail::new_token();
  const std::string record =
      detail::format_record(token, detail::current_process(), std::chrono::system_clock::now());

  // Exclusive, atomic publication: of simultaneous creators exactly one wins,
  // and no reader ever sees an empty or half-written record (the race of
  // "create, then write" that the original Python design has).
  detail::file_identity published;
  const detail::publish_outcome outcome =
      detail::publish_exclusive(path_, record, token, publish_settings_of(options_), published, ec);
  if (ec) return attempt_result::failed;

  if (outcome == detail::publish_outcome::already_exists) {
    // Someone else's entry. Look at it, so that a directory, symlink or FIFO
    // at the lock path fails now instead of being waited on forever.
    const detail::lock_file_snapshot holder =
        detail::read_lock_file(path_, detail::max_record_bytes, ec);
    if (ec) return attempt_result::failed;
    return holder.exists ? attempt_result::held_by_other : attempt_result::vanished;
  }

  // Clients of a network filesystem may each believe their own create won.
  // Give a competing writer time to surface before trusting the file. Zero by
  // default: on a local filesystem exclusive creation is atomic.
  if (options_.verify_delay > std::chrono::nanoseconds::zero()) {
    std::this_thread::sleep_for(options_.verify_delay);
  }

  // Verify: the file at the path must still be the one we published and carry
  // our UUID. Another file means ours was removed and the path re-created;
  // other bytes mean a writer on a weak filesystem overwrote ours. Either way
  // it now belongs to someone else: back off, and never remove it.
  const detail::lock_file_snapshot seen =
      detail::read_lock_file(path_, detail::max_record_bytes, ec);
  if (ec) return attempt_result::failed;
  if (!seen.exists) return attempt_result::vanished;
  if (!record_is_ours(seen, published, token)) return attempt_result::held_by_other;

  token_ = std::move(token);
  held_file_ = published;
  return attempt_result::acquired;
}

void UUIDFileLock::release() {
  std::error_code ec;
  release(ec);
  if (ec) throw std::filesystem::filesystem_error("uuid_filelock: cannot release lock", path_, ec);
}

void UUIDFileLock::release(std::error_code& ec) noexcept {
  ec.clear();
  if (!owns_lock()) {
    ec = errc::not_held;
    return;
  }
  reporting_errors(ec, [&] {
    // Only our own file may go. Read it back first: it may have been removed
    // (by an administrator, or by a breaker that judged us dead) or replaced
    // by the next holder, and unlinking by path alone would free their lock.
    const detail::lock_file_snapshot seen =
        detail::read_lock_file(path_, detail::max_record_bytes, ec);
    if (ec) return false;
    if (!record_is_ours(seen, held_file_, token_)) {
      token_.clear();
      ec = errc::lock_lost;
      return false;
    }
    // Between that check and the unlink only a party that deletes a *live*
    // holder's file could slip in, and the protocol never does that.
    const bool removed = detail::remove_lock_file(
        path_, options_.durability == durability_level::file_and_directory, ec);
    if (ec) return false;
    token_.clear();
    if (!removed) ec = errc::lock_lost;
    return removed;
  });
}

void UUIDFileLock::unlock() noexcept {
  if (!owns_lock()) return;
  std::error_code ignored;
  release(ignored);
}

}  // namespace uuid_filelock
