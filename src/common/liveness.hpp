// Whether the holder named by a lock record can still be alive.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "backend.hpp"
#include "record.hpp"

namespace uuid_filelock::detail {

enum class liveness {
  live,
  stale,
  // The holder keeps an advisory lock and advisory locks here are global:
  // the lock itself answers, better than any pid check can.
  ask_advisory_lock,
  // The holder heartbeats and its record is older than its limit by the
  // clocks: stale once it is also seen unchanged for that long by the
  // steady clock (heartbeat_watch), since a wall-clock step makes any one
  // reading of an age wrong by the step.
  heartbeat_overdue,
};

struct staleness_rules {
  std::optional<std::chrono::nanoseconds> stale_after;  // for holders we cannot check
  std::chrono::nanoseconds unreadable_grace;            // for empty or cut-short records
  bool advisory_usable;  // we may ask advisory locks on this filesystem
};

// How long before `now` a file was modified; a time in the future counts as
// that far in the past, so a clock jump cannot keep a dead lock alive forever.
std::chrono::nanoseconds age_of(std::chrono::system_clock::time_point modified,
                                std::chrono::system_clock::time_point now);

// `age` tells how long ago the record was last written (or heartbeat); it is
// asked only when a rule depends on it, since on a network filesystem it
// costs a round trip to the server's clock.
liveness judge_holder(const holder_record& record,
                      const std::function<std::chrono::nanoseconds()>& age,
                      const process_identity& self, const staleness_rules& rules);

// How long a heartbeating holder's record may go unrefreshed: its own limit,
// or ours if longer (its heartbeats are spaced for its own).
std::chrono::nanoseconds heartbeat_limit(const holder_record& record, const staleness_rules& rules);

// judge_holder's verdict once the holder's advisory lock (ask_advisory_lock)
// was found free while its file is still there: the holder process died
// (it drops the lock only after removing its file). Its companion, if it has
// one, may still run and keep the lock (the tool's COMMAND).
liveness judge_released_holder(const holder_record& record,
                               const std::function<std::chrono::nanoseconds()>& age,
                               const process_identity& self, const staleness_rules& rules);

}  // namespace uuid_filelock::detail
