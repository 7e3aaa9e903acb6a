// The lock seen from outside: status, forced or stale breaking, and release
// of a detached lock by its token. The judging is acquire's: the same record
// rules, the same advisory probe, the same arbitrated removal.
#include "uuid_filelock/inspect.hpp"

#include <cctype>
#include <functional>
#include <optional>
#include <thread>

#include "backend.hpp"
#include "break_stale_lock.hpp"
#include "filesystem_rules.hpp"
#include "holder_status.hpp"
#include "liveness.hpp"
#include "lock_path.hpp"
#include "record.hpp"
#include "reporting_errors.hpp"
#include "token.hpp"
#include "uuid_filelock/errc.hpp"

namespace uuid_filelock {
namespace {

using namespace std::chrono_literals;

std::filesystem::path absolute_path(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(p, ec);
  return ec ? p : absolute;
}

// The filesystem's clock, as acquire reads it: on a remote filesystem the
// stamp the server puts on a probe file of ours; empty where no probe can be
// written (a read-only mount).
std::optional<std::chrono::system_clock::time_point> filesystem_now(
    const std::filesystem::path& lock_path, bool local) {
  if (local) return std::chrono::system_clock::now();
  std::error_code ec;
  const std::string probe = detail::new_token();
  // A private probe file, on the (remote) filesystem of the lock.
  const detail::publish_settings settings;
  const detail::prepared_record prepared =
      detail::prepare_record(lock_path, probe, probe, settings, ec);
  if (ec) return std::nullopt;
  return detail::filesystem_clock(prepared.file, probe);
}

// The age of the lock file, asked for at most once.
class lazy_age {
 public:
  lazy_age(const std::filesystem::path& path, const detail::lock_file_snapshot& snapshot,
           bool local)
      : path_(path), snapshot_(snapshot), local_(local) {}
  std::chrono::nanoseconds operator()() {
    if (!age_)
      age_ = detail::age_by_filesystem_clock(snapshot_.modified, filesystem_now(path_, local_));
    return *age_;
  }

 private:
  const std::filesystem::path& path_;
  const detail::lock_file_snapshot& snapshot_;
  const bool local_;
  std::optional<std::chrono::nanoseconds> age_;
};

// Whether the holder of `snapshot` (opened with keep_open) is alive, by
// acquire's rules. A holder with an advisory lock is asked once, without
// waiting: free means it released (the file is then gone) or died.
lock_state judge(const std::filesystem::path& path, detail::lock_file_snapshot& snapshot,
                 const detail::holder_record& record, const options& opts, lazy_age& age,
                 bool local, std::error_code& ec) {
  if (record.type == detail::holder_record::kind::foreign) {
    ec = errc::not_a_lock_file;
    return lock_state::held;
  }
  const bool advisory = opts.advisory && local;
  const detail::process_identity& self = detail::current_process();
  detail::liveness verdict = detail::judge_holder(
      record, std::ref(age), self, {opts.stale_after, opts.unreadable_grace, advisory});
  if (verdict == detail::liveness::ask_advisory_lock) {
    switch (detail::wait_for_advisory_lock(snapshot.file, false, ec)) {
      case detail::advisory_state::held:
        verdict = detail::liveness::live;
        break;
      case detail::advisory_state::free:
        if (!detail::path_names(path, snapshot.identity, ec)) return lock_state::free;
        verdict = detail::judge_released_holder(
            record, std::ref(age), self, {opts.stale_after, opts.unreadable_grace, advisory});
        break;
      case detail::advisory_state::unsupported:
        verdict = detail::judge_holder(record, std::ref(age), self,
                                       {opts.stale_after, opts.unreadable_grace, false});
        break;
    }
  }
  // A stopped heartbeat is judged on this one reading: status reports what
  // the clocks say, and break is a person's decision (acquire watches it).
  if (verdict == detail::liveness::live) return lock_state::held;
  // Another locking program's kernel lock (flock(1), dpkg) is a live holder,
  // asked where acquire asks it: on local filesystems.
  if (!local) return lock_state::stale;
  return detail::held_by_other_locker(path, snapshot, ec) ? lock_state::held : lock_state::stale;
}

// Removes exactly the file of `snapshot`, waiting out a concurrent breaker
// (for about a second: one that takes longer is stuck, or is no breaker).
bool remove_judged(const std::filesystem::path& path, detail::lock_file_snapshot& snapshot,
                   const options& opts, bool local, bool live, std::error_code& ec) {
  const detail::break_setting how{local, opts.durability == durability_level::file_and_directory,
                                  live, [&] { return filesystem_now(path, local); }};
  for (int attempt = 0; attempt < 1000; ++attempt) {
    switch (detail::break_stale_lock(path, snapshot, how, ec)) {
      case detail::break_outcome::gone:
        return !ec;
      case detail::break_outcome::holder_alive:
        return false;
      case detail::break_outcome::breaker_busy:
        if (ec) return false;
        std::this_thread::sleep_for(1ms);
        break;
    }
  }
  return false;
}

// Reads the lock file for a look from outside. A lock file that is not there
// is "free" only where it could be: in an existing directory.
detail::lock_file_snapshot read_for_inspection(const std::filesystem::path& lock_file,
                                               std::filesystem::path& path, bool keep_open,
                                               std::error_code& ec) {
  ec = detail::lock_path_error(lock_file);
  if (ec) return {};
  path = absolute_path(lock_file);
  detail::lock_file_snapshot snapshot =
      detail::read_lock_file(path, detail::max_record_bytes, keep_open, ec);
  if (!ec && !snapshot.exists) ec = detail::missing_directory_error(path);
  return snapshot;
}

}  // namespace

lock_status inspect_lock(const std::filesystem::path& lock_file, const options& opts,
                         std::error_code& ec) noexcept {
  ec.clear();
  return detail::reporting_errors(
      ec,
      [&] {
        std::filesystem::path path;
        detail::lock_file_snapshot snapshot = read_for_inspection(lock_file, path, true, ec);
        if (ec || !snapshot.exists) return lock_status{};
        const detail::holder_record record =
            detail::parse_record(snapshot.bytes, snapshot.truncated);
        const bool local = detail::lock_directory_is_local(opts, path);
        lazy_age age(path, snapshot, local);
        const lock_state state = judge(path, snapshot, record, opts, age, local, ec);
        // Released while we looked: nothing of the old holder is reported.
        if (state == lock_state::free || ec) return lock_status{};
        return detail::holder_status(record, state, age());
      },
      lock_status{});
}

lock_status inspect_lock(const std::filesystem::path& lock_file, const options& opts) {
  std::error_code ec;
  lock_status status = inspect_lock(lock_file, opts, ec);
  if (ec)
    throw std::filesystem::filesystem_error("uuid_filelock: cannot inspect lock", lock_file, ec);
  return status;
}

break_result break_lock(const std::filesystem::path& lock_file, const options& opts, bool force,
                        std::error_code& ec) noexcept {
  ec.clear();
  return detail::reporting_errors(
      ec,
      [&] {
        std::filesystem::path path;
        detail::lock_file_snapshot snapshot = read_for_inspection(lock_file, path, true, ec);
        if (ec) return break_result::refused;
        if (!snapshot.exists) return break_result::nothing;
        const detail::holder_record record =
            detail::parse_record(snapshot.bytes, snapshot.truncated);
        const bool local = detail::lock_directory_is_local(opts, path);
        lazy_age age(path, snapshot, local);
        // A foreign file is an error here too, --force or not: judge says so.
        const lock_state state = judge(path, snapshot, record, opts, age, local, ec);
        if (ec) return break_result::refused;
        if (state == lock_state::free) return break_result::nothing;
        if (state == lock_state::held && !force) return break_result::refused;
        return remove_judged(path, snapshot, opts, local, state == lock_state::held, ec)
                   ? break_result::removed
                   : break_result::refused;
      },
      break_result::refused);
}

bool release_detached(const std::filesystem::path& lock_file, std::string_view token,
                      const options& opts, std::error_code& ec) noexcept {
  ec.clear();
  return detail::reporting_errors(
      ec,
      [&] {
        std::filesystem::path path;
        detail::lock_file_snapshot snapshot = read_for_inspection(lock_file, path, false, ec);
        if (ec || !snapshot.exists) return false;
        // Tokens are compared as the record stores them (lower case).
        std::string wanted(token);
        for (char& c : wanted) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        // Only a detached lock: any UUID can be read with `status`, and a
        // running holder's lock is not anybody's to end.
        const detail::holder_record record =
            detail::parse_record(snapshot.bytes, snapshot.truncated);
        if (!record.detached || record.uuid != wanted) return false;
        // Its holder exited by design: nothing holds it, so it is claimed
        // and removed like a stale lock.
        return remove_judged(path, snapshot, opts, detail::lock_directory_is_local(opts, path),
                             false, ec);
      },
      false);
}

}  // namespace uuid_filelock
