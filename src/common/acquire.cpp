// Acquisition: publish a record, verify it, and while someone else holds the
// lock, wait for them (on their advisory lock where that is trustworthy, by
// polling otherwise) or break their lock if they are dead. Each step says
// which race it closes.
#include <algorithm>
#include <optional>
#include <thread>

#include "backend.hpp"
#include "break_stale_lock.hpp"
#include "filesystem_rules.hpp"
#include "heartbeat.hpp"
#include "heartbeat_watch.hpp"
#include "holder_registry.hpp"
#include "holder_status.hpp"
#include "liveness.hpp"
#include "lock_path.hpp"
#include "read_back.hpp"
#include "record.hpp"
#include "retry_pause.hpp"
#include "sweep_temporaries.hpp"
#include "token.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock {
namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Attempts that follow progress (the holder let go, a dead holder's file was
// removed) are made at once, even past the deadline, but only this many:
// try_lock() on a dead holder's lock breaks it and wins, and no loop spins.
constexpr int kImmediateRetries = 4;

// Timed waits on a holder's advisory lock probe it with growing pauses up to
// this, since flock() has no timeout; untimed waits block in flock() itself.
constexpr std::chrono::nanoseconds kLongestProbePause = 10ms;

// Everything a wake-up needs is prepared before waiting: the UUID, the record
// and the temporary file with its advisory lock. Winning then costs one
// rename and one verifying read.
struct candidate {
  std::string token;
  std::string record;
  detail::prepared_record prepared;
};

detail::publish_settings settings_of(const options& opts, bool advisory, bool local) {
  detail::publish_settings settings;
  settings.mode = opts.mode;
  settings.sync_file = opts.durability != durability_level::none;
  settings.sync_directory = opts.durability == durability_level::file_and_directory;
  settings.advisory = advisory && !opts.detached;
  settings.persistent = opts.detached;
  settings.local = local;
  return settings;
}

void sleep_until_at_most(std::chrono::nanoseconds pause, steady::time_point deadline) {
  const steady::time_point now = steady::now();
  if (now < deadline)
    std::this_thread::sleep_for(std::min<steady::duration>(pause, deadline - now));
}

}  // namespace

bool UUIDFileLock::acquire_before(steady::time_point deadline, std::error_code& ec) {
  // A fork()ed child's copy of a held lock is its parent's: let go of it
  // (without touching the parent's heartbeat thread) before taking anew.
  if (!token_.empty() && !owns_lock()) forget();
  // Waiting for ourselves would never end (std::mutex reports the same).
  if (owns_lock()) {
    ec = std::make_error_code(std::errc::resource_deadlock_would_occur);
    return false;
  }
  ec = detail::lock_path_error(path_);
  if (ec) return false;
  // A heartbeat needs a limit spaced for coarse network timestamps, a
  // process that stays (a detached lock's holder exits), and a file its
  // owner may rewrite.
  if (options_.heartbeat &&
      (!options_.stale_after || *options_.stale_after < min_heartbeat_stale_after ||
       options_.detached ||
       (options_.mode & std::filesystem::perms::owner_write) == std::filesystem::perms::none)) {
    ec = std::make_error_code(std::errc::invalid_argument);
    return false;
  }
  const detail::process_identity& self = detail::current_process();
  // Looked up once per object, and kept once an acquisition has shown the
  // directory exists (statfs fails on a missing one).
  const bool local =
      local_filesystem_ ? *local_filesystem_ : detail::lock_directory_is_local(options_, path_);
  const std::chrono::nanoseconds verify_delay = detail::verify_delay_for(options_, local);
  // Advisory locks prove liveness only where every process that can reach the
  // file shares them: on local filesystems, not on NFS, SMB or FUSE.
  detail::publish_settings settings = settings_of(options_, options_.advisory && local, local);

  last_holder_ = {};
  // Looked up only for a companion: start_time_of(0) would read this
  // process's own start from /proc on every acquisition.
  const detail::process_ref companion{
      options_.companion_pid,
      options_.companion_pid != 0 ? detail::start_time_of(options_.companion_pid) : 0};
  // A lock held for a process that is already gone would be stale at once.
  if (companion.pid != 0 &&
      detail::process_status(companion.pid, companion.start_time) == detail::process_state::gone) {
    ec = std::make_error_code(std::errc::no_such_process);
    return false;
  }

  candidate next;
  steady::time_point prepared_at;
  const auto flags = [&](bool advisory) {
    detail::record_flags f;
    f.advisory = advisory;
    f.companion = companion;
    f.description = options_.description.empty() ? self.program : options_.description;
    f.detached = options_.detached;
    if (options_.heartbeat)
      f.heartbeat = std::chrono::duration_cast<std::chrono::milliseconds>(*options_.stale_after);
    return f;
  };
  // Draws a fresh UUID and prepares its record. A fresh UUID per publication
  // means no record of an earlier attempt (ours included) can pass for it.
  const auto prepare = [&] {
    next.token = detail::new_token();
    next.record = detail::format_record(next.token, self, flags(settings.advisory),
                                        std::chrono::system_clock::now());
    next.prepared = detail::prepare_record(path_, next.record, next.token, settings, ec);
    prepared_at = steady::now();
    if (ec || !settings.advisory || next.prepared.advisory_held) return !ec;
    // The filesystem refused the advisory lock (ENOLCK, ENOSYS...): fall back
    // to the plain protocol for this path, and say so in the record so that
    // nobody waits on a lock that is not there.
    settings.advisory = false;
    next.record =
        detail::format_record(next.token, self, flags(false), std::chrono::system_clock::now());
    detail::rewrite_record(next.prepared, next.record, settings, ec);
    return !ec;
  };
  // After a wait, the record is rewritten to say when the lock was really
  // taken, to the second: more often would cost every hand-over a write.
  const auto refresh = [&] {
    if (steady::now() - prepared_at < 1s) return true;
    prepared_at = steady::now();
    next.record = detail::format_record(next.token, self, flags(next.prepared.advisory_held),
                                        std::chrono::system_clock::now());
    detail::rewrite_record(next.prepared, next.record, settings, ec);
    return !ec;
  };
  if (!prepare()) return false;

  // The filesystem's clock: where it is remote, the stamp the server puts on
  // our prepared record now; a host whose clock runs ahead would otherwise
  // break live holders.
  const auto filesystem_now = [&]() -> std::optional<std::chrono::system_clock::time_point> {
    if (local) return std::chrono::system_clock::now();
    return detail::filesystem_clock(next.prepared.file, next.record);
  };

  // Before waiting: the temporaries of contenders killed while they waited
  // (where temporaries have names: no O_TMPFILE), dead holders' records left
  // aside by a breaker that died mid-break (remove_stale_file) and the
  // markers of breakers that died. At most once per directory every few
  // seconds; the hand-over path never pays.
  const auto before_waiting = [&] {
    if (local || !next.prepared.temp_path.empty()) detail::sweep_temporaries(path_, filesystem_now);
  };

  std::chrono::nanoseconds busy_pause = 1ms;
  // The file another locking program was last seen holding (see below).
  std::optional<detail::file_identity> other_lockers_file;
  int immediate_retries = 0;
  const auto retry_now = [&] {
    return steady::now() < deadline || ++immediate_retries <= kImmediateRetries;
  };

  for (;;) {
    // Exclusive, atomic publication: of simultaneous creators exactly one
    // wins, and no reader ever sees an empty or half-written record (the race
    // of "create, then write" in the original Python design).
    // A heartbeating record is published with a fresh time: its temporary
    // may have been written long ago, and other hosts judge it by its age.
    if (options_.heartbeat) {
      std::error_code ignored;  // the first beat after verification checks
      detail::stamp_record(next.prepared.file, next.record, ignored);
    }
    const detail::publish_outcome outcome =
        detail::publish_prepared(next.prepared, path_, next.record, settings, ec);
    if (ec) return false;

    if (outcome == detail::publish_outcome::published) {
      // Clients of a network filesystem may each believe their own create
      // won. Give a competing writer time to surface before trusting the
      // file. Zero by default on a local filesystem, where creation is atomic.
      if (verify_delay > 0ns) std::this_thread::sleep_for(verify_delay);
      // Verify: the path must still name the file we published, and it must
      // still carry our UUID. Another file means ours was removed and the path
      // re-created; other bytes mean a writer on a weak filesystem overwrote
      // ours. Either way it belongs to someone else now: never remove it.
      const detail::lock_file_snapshot seen = detail::read_back(
          path_, local, next.prepared.file, next.prepared.identity, next.record.size(), ec);
      if (ec) {
        // We cannot tell whether it is still ours. If the path names our
        // file, take it back rather than leave a lock nobody will release.
        std::error_code ignored;
        if (detail::path_names(path_, next.prepared.identity, ignored)) {
          detail::release_lock_file(path_, next.prepared.file, local, false, ignored);
        }
        return false;
      }
      // On a network filesystem the UUID alone decides: FUSE and NFS clients
      // may number one file differently through the path and through our
      // descriptor (sshfs does), and keep a path's number when another host
      // replaces the file. Our UUID is fresh, so only our record carries it.
      const bool same_file = !local || seen.identity == next.prepared.identity;
      if (seen.exists && same_file &&
          detail::parse_record(seen.bytes, seen.truncated).uuid == next.token) {
        token_ = std::move(next.token);
        held_file_ = seen.identity;
        held_record_size_ = next.record.size();
        held_handle_ = std::move(next.prepared.file);
        owner_pid_ = self.pid;
        local_filesystem_ = local;
        last_holder_ = {};
        detail::register_holder(held_file_, owner_pid_);
        if (options_.heartbeat) {
          // The first beat at once, and it must work: the published file
          // may carry its temporary's older time, and a holder whose beats
          // fail would be taken over while it believes itself safe.
          std::error_code beat_error;
          detail::stamp_held_record(path_, held_handle_, next.record, beat_error);
          if (beat_error) {
            unlock();
            ec = beat_error;
            return false;
          }
          try {
            start_heartbeat(next.record);
          } catch (...) {
            unlock();  // not held without the heartbeat others rely on
            throw;
          }
        }
        return true;
      }
      if (!prepare()) return false;
      if (!retry_now()) return false;
      continue;
    }

    // Someone else's entry. Look at it (keeping it open to wait on its
    // advisory lock); a directory, symlink or FIFO at the path fails here at
    // once instead of being waited on forever.
    detail::lock_file_snapshot holder = detail::read_lock_path(path_, local, settings.advisory, ec);
    if (ec) return false;
    if (!holder.exists) {
      // The holder let go between our publish and our look. (A network
      // client's caches may disagree for a while about whether the name is
      // taken: no hot loop meanwhile.)
      if (!local) sleep_until_at_most(1ms, deadline);
      if (!retry_now()) return false;
      continue;
    }
    const detail::holder_record record = detail::parse_record(holder.bytes, holder.truncated);
    // Somebody's data, or a co-user's bait: never waited out, never removed.
    if (record.type == detail::holder_record::kind::foreign) {
      ec = errc::not_a_lock_file;
      return false;
    }

    // Another object of this very thread holds it: waiting could never end.
    if (record.type == detail::holder_record::kind::full && record.holder.pid == self.pid &&
        detail::held_by_this_thread(holder.identity, self.pid)) {
      if (steady::now() < deadline)
        ec = std::make_error_code(std::errc::resource_deadlock_would_occur);
      return false;
    }

    // The record's age by the filesystem's clock, read at most once per look
    // (on a network filesystem it costs a round trip).
    std::optional<std::chrono::nanoseconds> seen_age;
    const auto age = [&] {
      if (!seen_age) seen_age = detail::age_by_filesystem_clock(holder.modified, filesystem_now());
      return *seen_age;
    };
    // Who held the lock at this look, for last_holder() if the attempt fails.
    // Its age costs nothing more: the one the judging measured, else (where
    // the server's clock would cost a round trip per poll) by our clock.
    const auto note_holder = [&](detail::liveness verdict) {
      const std::chrono::nanoseconds shown_age =
          local ? age()
                : seen_age.value_or(
                      detail::age_of(holder.modified, std::chrono::system_clock::now()));
      last_holder_ = detail::holder_status(
          record, verdict == detail::liveness::stale ? lock_state::stale : lock_state::held,
          shown_age);
    };
    const detail::staleness_rules rules{options_.stale_after, options_.unreadable_grace,
                                        settings.advisory};
    detail::liveness verdict = detail::judge_holder(record, age, self, rules);

    if (verdict == detail::liveness::ask_advisory_lock) {
      // The holder took its advisory lock before publishing and keeps it
      // until after it unlinks the file, so the lock is free exactly when the
      // holder has released or died. Wait for that moment.
      detail::advisory_state state = detail::wait_for_advisory_lock(holder.file, false, ec);
      std::chrono::nanoseconds pause = 500us;
      const std::chrono::nanoseconds longest =
          std::min(kLongestProbePause, options_.retry_interval);
      bool waited = false;
      if (state == detail::advisory_state::held) {
        note_holder(detail::liveness::live);
        before_waiting();
      }
      while (!ec && state == detail::advisory_state::held) {
        if (steady::now() >= deadline) return false;
        waited = true;
        if (deadline == steady::time_point::max()) {
          state = detail::wait_for_advisory_lock(holder.file, true, ec);
        } else {
          sleep_until_at_most(pause, deadline);
          pause = std::min(pause * 2, longest);
          state = detail::wait_for_advisory_lock(holder.file, false, ec);
        }
      }
      if (ec) return false;
      if (waited && !refresh()) return false;
      if (state == detail::advisory_state::unsupported) {
        // No advisory locks after all: judge the record like any other.
        settings.advisory = false;
        const detail::staleness_rules plain{options_.stale_after, options_.unreadable_grace, false};
        verdict = detail::judge_holder(record, age, self, plain);
      } else if (waited) {
        // Free after a wait: the holder let go, or died. Never trust the
        // inode we locked (it may be unlinked already: the classic
        // unlink-while-waiting split): compete for the path afresh. If the
        // dead holder's file is still there, the next look finds it free at
        // once and breaks it.
        if (!retry_now()) return false;
        continue;
      } else {
        // Free at first sight: either the holder released the file since we
        // opened it, or it died holding it.
        const bool still_there = detail::path_names(path_, holder.identity, ec);
        if (ec) return false;
        if (!still_there) {
          if (!retry_now()) return false;
          continue;
        }
        verdict = detail::judge_released_holder(record, age, self, rules);
      }
    }

    // Overdue by the clocks; dead once it has also stayed unchanged for its
    // limit by ours, which no clock step can fool (heartbeat_watch.hpp). Every
    // heartbeating record is watched from its first sight, so that a holder
    // that dies while we wait is taken over one limit after its last beat.
    if (record.heartbeat) {
      if (!overdue_watch_) overdue_watch_ = std::make_unique<detail::heartbeat_watch>();
      const bool unchanged =
          overdue_watch_->unchanged_for(holder, local, detail::heartbeat_limit(record, rules));
      if (verdict == detail::liveness::heartbeat_overdue)
        verdict = unchanged ? detail::liveness::stale : detail::liveness::live;
    }

    // A file that looks abandoned, or is empty, may be another locking
    // program's (flock(1), Python filelock, dpkg), whose lock is in the
    // kernel: alive while held. Once it lets go, its empty file is nobody's
    // record being written (our own in-place writers hold their advisory
    // lock while they write): no grace is owed, the lock is free.
    // Asked on local filesystems only: FUSE and SMB clients keep such locks to
    // themselves, and on NFS a probe costs every poll a round trip.
    const bool empty = record.type == detail::holder_record::kind::incomplete;
    if (local && (verdict == detail::liveness::stale || empty)) {
      if (detail::held_by_other_locker(path_, holder, ec)) {
        verdict = detail::liveness::live;
        other_lockers_file = holder.identity;
      } else if (empty && other_lockers_file == holder.identity) {
        verdict = detail::liveness::stale;
      }
      if (ec) return false;
    }

    note_holder(verdict);
    if (verdict == detail::liveness::stale) {
      // Many contenders may see the same dead holder at once; the break is
      // arbitrated so that the file is removed once, and the path then goes
      // to whoever publishes first.
      const detail::break_setting how{local, settings.sync_directory, false, filesystem_now};
      const detail::break_outcome broken = detail::break_stale_lock(path_, holder, how, ec);
      if (ec) return false;
      if (broken != detail::break_outcome::holder_alive) {
        // Another breaker finishes in moments; a claim refused for longer is
        // a shared flock of another program, waited for with growing pauses.
        if (broken == detail::break_outcome::breaker_busy) {
          sleep_until_at_most(busy_pause, deadline);
          busy_pause = std::min<std::chrono::nanoseconds>(busy_pause * 2, options_.retry_interval);
        }
        if (!retry_now()) return false;
        continue;
      }
      // The OS proved the holder alive after all: wait for it like any
      // live holder (retrying at once would spin).
    }

    // A live holder we cannot wait on: poll, jittered so that contenders
    // spread out instead of retrying in lockstep.
    if (steady::now() >= deadline) return false;
    before_waiting();
    sleep_until_at_most(detail::jittered(options_.retry_interval), deadline);
    if (!refresh()) return false;
  }
}

}  // namespace uuid_filelock
