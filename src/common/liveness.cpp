#include "liveness.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

namespace uuid_filelock::detail {
namespace {

bool older_than(std::chrono::nanoseconds age, std::optional<std::chrono::nanoseconds> limit) {
  return limit && age > *limit;
}

// The same machine, possibly an earlier boot of it. Hostname, machine id and
// a boot id must all be known, and hostname and machine id agree: machines
// may share a hostname ("localhost"), and containers may have no machine id.
bool same_machine(const process_identity& holder, const process_identity& self) {
  return !holder.host.empty() && holder.host == self.host && !holder.machine_id.empty() &&
         holder.machine_id == self.machine_id && !holder.boot_id.empty() && !self.boot_id.empty();
}

// The holder's companion (the tool's COMMAND), judged like the holder: only
// within the holder's kernel and pid namespace. `gone` if there is none.
process_state companion_state(const holder_record& record, const process_identity& self) {
  if (record.companion.pid == 0) return process_state::gone;
  const process_identity& holder = record.holder;
  if (holder.boot_id.empty() || holder.boot_id != self.boot_id ||
      holder.pid_namespace != self.pid_namespace)
    return process_state::unknown;
  return process_status(record.companion.pid, record.companion.start_time);
}

// What the OS's word on a process proves: nothing where it cannot see it.
std::optional<liveness> verdict_on(process_state state) {
  switch (state) {
    case process_state::running:
      return liveness::live;
    case process_state::gone:
      return liveness::stale;
    case process_state::unknown:
      break;
  }
  return std::nullopt;
}

// A detached lock: its holder exited by design. One with an owner (the
// tool's `acquire --owner-pid`) lives while the owner runs, and not past a
// reboot; one without may span a reboot (an installer's), and only its age
// can retire it.
liveness judge_detached(const holder_record& record,
                        const std::function<std::chrono::nanoseconds()>& age,
                        const process_identity& self, const staleness_rules& rules) {
  if (record.companion.pid != 0) {
    if (const std::optional<liveness> known = verdict_on(companion_state(record, self)))
      return *known;
    if (same_machine(record.holder, self) && record.holder.boot_id != self.boot_id)
      return liveness::stale;
  }
  return older_than(age(), rules.stale_after) ? liveness::stale : liveness::live;
}

// A holder nobody can see: another host, a pid namespace of its own, or a
// process /proc does not show us. Only its heartbeat can retire it.
liveness judge_by_heartbeat(const holder_record& record,
                            const std::function<std::chrono::nanoseconds()>& age,
                            const staleness_rules& rules) {
  // A holder that does not heartbeat may simply hold the lock for long: its
  // age proves nothing.
  if (!record.heartbeat) return liveness::live;
  // One that heartbeats refreshes its file every heartbeat/3, so a file
  // older than its limit has probably lost its holder; proof takes watching.
  return age() > heartbeat_limit(record, rules) ? liveness::heartbeat_overdue : liveness::live;
}

}  // namespace

std::chrono::nanoseconds age_of(std::chrono::system_clock::time_point modified,
                                std::chrono::system_clock::time_point now) {
  // |now - modified| without overflow, whatever the two are: the gap of two
  // 64-bit counts always fits in an unsigned 64-bit one, and is then
  // saturated to what nanoseconds hold.
  using duration = std::chrono::system_clock::duration;
  const auto later = static_cast<std::uint64_t>(std::max(now, modified).time_since_epoch().count());
  const auto earlier =
      static_cast<std::uint64_t>(std::min(now, modified).time_since_epoch().count());
  const std::uint64_t gap = later - earlier;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<duration::rep>::max());
  const duration age(static_cast<duration::rep>(std::min(gap, kMax)));
  if (age >= std::chrono::duration_cast<duration>(std::chrono::nanoseconds::max()))
    return std::chrono::nanoseconds::max();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(age);
}

liveness judge_holder(const holder_record& record,
                      const std::function<std::chrono::nanoseconds()>& age,
                      const process_identity& self, const staleness_rules& rules) {
  switch (record.type) {
    case holder_record::kind::foreign:
      // No lock record: callers report it (errc::not_a_lock_file) before
      // judging, and it is never removed.
      return liveness::live;
    case holder_record::kind::incomplete:
      // Possibly a record being written in place (the last publication
      // fallback), so respected for a while; then nobody will ever finish it.
      return age() > rules.unreadable_grace ? liveness::stale : liveness::live;
    case holder_record::kind::uuid_only:
      // A foreign holder (the original Python library) we cannot check.
      return older_than(age(), rules.stale_after) ? liveness::stale : liveness::live;
    case holder_record::kind::full:
      break;
  }
  if (record.detached) return judge_detached(record, age, self, rules);
  const process_identity& holder = record.holder;
  const bool same_kernel = !holder.boot_id.empty() && holder.boot_id == self.boot_id;
  if (same_kernel) {
    // The holder took its advisory lock before publishing and keeps it while
    // it lives, whatever its pid namespace: the lock answers, and can be
    // waited on. It answers even for a holder whose process is gone: a
    // fork()ed child that shares the lock keeps it, and the lock is held
    // until that child exits too. (Breakers claim the file with the same
    // kind of lock, so a file whose lock is held can never be broken.)
    if (record.advisory && rules.advisory_usable) return liveness::ask_advisory_lock;
    // Pids mean something only within one pid namespace. The start time
    // tells a reused pid from the holder: a dead holder whose pid now belongs
    // to another process is still dead, and a live one is never broken.
    const process_state state = holder.pid_namespace == self.pid_namespace
                                    ? process_status(holder.pid, holder.start_time)
                                    : process_state::unknown;
    const process_state companion = companion_state(record, self);
    if (state == process_state::running || companion == process_state::running)
      return liveness::live;
    // Dead only on the OS's word for both: "cannot see" is not "gone".
    if (state == process_state::gone && companion == process_state::gone) return liveness::stale;
  } else if (same_machine(holder, self)) {
    // This machine before a reboot: nothing of that boot runs any more.
    return liveness::stale;
  }
  return judge_by_heartbeat(record, age, rules);
}

std::chrono::nanoseconds heartbeat_limit(const holder_record& record,
                                         const staleness_rules& rules) {
  // The holder's limit wins over a shorter one of ours: its heartbeats are
  // spaced for it, and a live holder must never be broken.
  return std::max<std::chrono::nanoseconds>(
      record.heartbeat.value_or(std::chrono::milliseconds::zero()),
      rules.stale_after.value_or(std::chrono::nanoseconds::zero()));
}

liveness judge_released_holder(const holder_record& record,
                               const std::function<std::chrono::nanoseconds()>& age,
                               const process_identity& self, const staleness_rules& rules) {
  if (const std::optional<liveness> known = verdict_on(companion_state(record, self)))
    return *known;
  return judge_by_heartbeat(record, age, rules);
}

}  // namespace uuid_filelock::detail
