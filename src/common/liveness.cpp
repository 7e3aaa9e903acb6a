#include "liveness.hpp"

namespace uuid_filelock::detail {
namespace {

bool older_than(std::chrono::nanoseconds age, std::optional<std::chrono::nanoseconds> limit) {
  return limit && age > *limit;
}

// The same machine, possibly an earlier boot of it. Both the hostname and the
// machine id must agree: two machines may share a hostname ("localhost").
bool same_machine(const process_identity& holder, const process_identity& self) {
  return !holder.host.empty() && holder.host == self.host && holder.machine_id == self.machine_id;
}

}  // namespace

liveness judge_holder(const holder_record& record, std::chrono::nanoseconds age,
                      const process_identity& self, const staleness_rules& rules) {
  switch (record.type) {
    case holder_record::kind::unreadable:
      // Possibly a record being written in place (the last publication
      // fallback), so respected for a while; then nobody will ever finish it.
      return age > rules.unreadable_grace ? liveness::stale : liveness::live;
    case holder_record::kind::uuid_only:
      // A foreign holder (the original Python library) we cannot check.
      return older_than(age, rules.stale_after) ? liveness::stale : liveness::live;
    case holder_record::kind::full:
      break;
  }
  const process_identity& holder = record.holder;
  const bool same_kernel = !holder.boot_id.empty() && holder.boot_id == self.boot_id;
  if (same_kernel) {
    // The holder took its advisory lock before publishing and keeps it while
    // it lives, whatever its pid namespace: a free lock means it is gone.
    if (record.advisory && rules.advisory_usable) return liveness::ask_advisory_lock;
    // Pids mean something only within one pid namespace. The start time
    // tells a reused pid from the holder: a dead holder whose pid now belongs
    // to another process is still dead, and a live one is never broken.
    if (holder.pid_namespace == self.pid_namespace) {
      switch (process_status(holder.pid, holder.start_time)) {
        case process_state::running:
          return liveness::live;
        case process_state::gone:
          return liveness::stale;
        case process_state::unknown:
          break;
      }
    }
  } else if (same_machine(holder, self) && !self.boot_id.empty()) {
    // This machine before a reboot: nothing of that boot runs any more.
    return liveness::stale;
  }
  // Another host (or a process we cannot see): only the age can tell, and
  // only if the user set a limit. Ages compare clocks of two machines.
  return older_than(age, rules.stale_after) ? liveness::stale : liveness::live;
}

}  // namespace uuid_filelock::detail
