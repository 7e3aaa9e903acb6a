#include "sweep_temporaries.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "backend.hpp"
#include "liveness.hpp"
#include "record.hpp"
#include "token.hpp"

namespace uuid_filelock::detail {
namespace {

constexpr std::chrono::seconds kSweepInterval{10};

// Whether this process last swept `directory` long enough ago (and if so,
// notes that it sweeps it now).
bool due_for_sweep(const std::filesystem::path& directory) {
  static std::mutex mutex;
  static std::map<std::string, std::chrono::steady_clock::time_point> last_sweep;
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard<std::mutex> guard(mutex);
  const auto [entry, first] = last_sweep.try_emplace(directory.string(), now);
  if (first) return true;
  if (now - entry->second < kSweepInterval) return false;
  entry->second = now;
  return true;
}

// Removes each abandoned marker, exactly the file judged (see
// is_abandoned_marker); a planted FIFO or symlink fails the read and stays.
void sweep_markers(const std::filesystem::path& directory, bool local,
                   const filesystem_clock_reader& filesystem_now) {
  for (const std::filesystem::path& marker : temporary_records(directory, ".break")) {
    std::error_code ec;
    const lock_file_snapshot seen = read_lock_file(marker, 1, false, ec);
    if (!ec && is_abandoned_marker(seen, filesystem_now))
      remove_stale_file(marker, seen, new_token(), local, false, ec);
  }
}

}  // namespace

void sweep_temporaries(const std::filesystem::path& lock_path,
                       const filesystem_clock_reader& filesystem_now) noexcept {
  try {
    if (!due_for_sweep(lock_path.parent_path())) return;
    const process_identity& self = current_process();
    // No age, no advisory lock, no grace: only a process known to be gone
    // makes its temporary removable. An incomplete one may be being written.
    const staleness_rules certain_only{std::nullopt, std::chrono::nanoseconds::max(), false};
    const auto no_age = [] { return std::chrono::nanoseconds::zero(); };
    const std::vector<std::filesystem::path> temporaries =
        temporary_records(lock_path.parent_path(), ".tmp");
    const bool local = is_local_filesystem(lock_path.parent_path());
    sweep_markers(lock_path.parent_path(), local, filesystem_now);
    for (const std::filesystem::path& temporary : temporaries) {
      std::error_code ec;
      const lock_file_snapshot seen = read_lock_file(temporary, max_record_bytes, false, ec);
      if (ec || !seen.exists) continue;
      holder_record record = parse_record(seen.bytes, seen.truncated);
      // Unpublished, it is nobody's lock: that its lock would have outlived
      // its process does not keep the temporary.
      record.detached = false;
      if (record.type != holder_record::kind::full ||
          judge_holder(record, no_age, self, certain_only) != liveness::stale)
        continue;
      // Its creator is dead and its name holds a UUID nobody else draws:
      // nobody can be publishing or reusing it. Removed only if it is still
      // exactly the file judged (a co-user may swap the name meanwhile).
      remove_stale_file(temporary, seen, new_token(), local, false, ec);
    }
  } catch (...) {
    // A sweep is housekeeping: it never fails an acquisition.
  }
}

}  // namespace uuid_filelock::detail
