// The lock file's content: a small, versioned text record. Documented in
// docs/protocol.md ("Record format"); the first line is the holder's UUID, so the
// original Python check "the file contains our UUID" still reads right.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "process_identity.hpp"

namespace uuid_filelock::detail {

// Readers never take in more than this; larger files are no record of ours.
inline constexpr std::size_t max_record_bytes = 4096;

// What a record says about its holder besides who it is.
struct record_flags {
  bool advisory = false;  // the holder keeps an advisory lock on the file
  bool detached = false;  // the lock outlives its process by design (the CLI's acquire)
  // The holder heartbeats: it refreshes the file's modification time every
  // third of this, and the file older than this has lost its holder.
  std::optional<std::chrono::milliseconds> heartbeat;
  // A process that holds the lock with the holder (the tool's COMMAND): the
  // lock lives while either runs. pid 0: none.
  process_ref companion;
  // What the holder is, for people reading `status` ("myapp updater").
  std::string description;
};

// Longest description a record keeps, in bytes.
inline constexpr std::size_t max_description_bytes = 128;

// A description as records carry it: one line of printable text, at most
// max_description_bytes, never cut within a UTF-8 character. Applied when
// writing and again when reading, since any record may be forged.
std::string record_description(std::string_view text);

// The detached, heartbeat, companion and description lines are written only
// when set, so other records stay as they were.
std::string format_record(std::string_view token, const process_identity& holder,
                          const record_flags& flags,
                          std::chrono::system_clock::time_point acquired_at);

struct holder_record {
  enum class kind {
    foreign,     // not a lock record (garbage, or larger than any record): never removed
    incomplete,  // empty, or the start of a UUID line: a record being written in place
    uuid_only,   // a UUID and nothing we understand: the original Python design
    full,        // our format: the holder is described below
  };
  kind type = kind::incomplete;
  std::string uuid;  // lower-cased; "" for foreign and incomplete records
  process_identity holder;
  bool advisory = false;  // the holder keeps an advisory lock on the file
  bool detached = false;  // the lock outlives its process by design
  std::optional<std::chrono::milliseconds> heartbeat;  // see record_flags
  process_ref companion;                               // see record_flags
  std::string description;                             // see record_flags; "" if absent
  std::string acquired_at;                             // RFC 3339, as written; "" if absent
};

holder_record parse_record(std::string_view bytes, bool truncated);

}  // namespace uuid_filelock::detail
