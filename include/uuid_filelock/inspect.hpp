// Looking at a lock from outside: who holds it, whether they are alive, and
// removing it when they are not (or when its detached holder is done).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "uuid_filelock/options.hpp"

namespace uuid_filelock {

enum class lock_state {
  free,   // nothing at the lock path
  held,   // a holder we must respect
  stale,  // a holder judged dead (by the rules of "Who is alive"); the next acquire breaks it
};

struct lock_status {
  lock_state state = lock_state::free;
  std::string uuid;                  // "" if free, empty or cut short
  std::optional<std::uint64_t> pid;  // absent for records without one
  std::string host;
  std::string acquired_at;         // RFC 3339 as recorded; "" if not recorded
  std::chrono::nanoseconds age{};  // since the lock file was last written
  bool detached = false;           // meant to outlive its process
  // The process that holds the lock with its holder (options::companion_pid:
  // the tool's COMMAND), or that owns a detached lock (`acquire --owner-pid`).
  std::optional<std::uint64_t> companion_pid;
  std::string description;  // options::description, as recorded; "" if none
};

// What the lock at `lock_file` looks like right now, judged with `opts`
// (stale_after, unreadable_grace, advisory). Errors as for acquire():
// a directory, symlink or special file at the path, a file that is no lock
// record (errc::not_a_lock_file) and a missing directory are errors; a
// missing lock file in an existing directory is `free`.
lock_status inspect_lock(const std::filesystem::path& lock_file, const options& opts = {});
lock_status inspect_lock(const std::filesystem::path& lock_file, const options& opts,
                         std::error_code& ec) noexcept;

enum class break_result {
  removed,  // the lock file was removed
  refused,  // its holder is alive (or, on Windows, still has it open)
  nothing,  // there was no lock file
};

// Removes a stale lock; a live one only with `force`. Never removes a file
// other than the one it judged (removal is arbitrated like acquire's), nor,
// even with `force`, one that is no lock record (errc::not_a_lock_file).
break_result break_lock(const std::filesystem::path& lock_file, const options& opts, bool force,
                        std::error_code& ec) noexcept;

// Releases a detached lock: removes the lock file only if it is a detached
// lock carrying `token`. False (the file untouched) otherwise or if it is gone.
bool release_detached(const std::filesystem::path& lock_file, std::string_view token,
                      const options& opts, std::error_code& ec) noexcept;

}  // namespace uuid_filelock
