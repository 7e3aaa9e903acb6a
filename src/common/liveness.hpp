// Whether the holder named by a lock record can still be alive.
#pragma once

#include <chrono>
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
};

struct staleness_rules {
  std::optional<std::chrono::nanoseconds> stale_after;  // for holders we cannot check
  std::chrono::nanoseconds unreadable_grace;            // for empty or garbage records
  bool advisory_usable;  // we may ask advisory locks on this filesystem
};

// How long ago a file was modified, by this host's clock; a time in the
// future counts as that far in the past.
std::chrono::nanoseconds age_of(std::chrono::system_clock::time_point modified);

// `age` is how long ago the record was last written (a future timestamp
// counts as old, so a clock jump cannot keep a dead lock alive forever).
liveness judge_holder(const holder_record& record, std::chrono::nanoseconds age,
                      const process_identity& self, const staleness_rules& rules);

}  // namespace uuid_filelock::detail
