// The lock file's content: a small, versioned text record. Documented in
// README.md ("Record format"); the first line is the holder's UUID, so the
// original Python check "the file contains our UUID" still reads right.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "backend.hpp"

namespace uuid_filelock::detail {

// Readers never take in more than this; larger files are no record of ours.
inline constexpr std::size_t max_record_bytes = 4096;

std::string format_record(std::string_view token, const process_identity& holder,
                          std::chrono::system_clock::time_point acquired_at);

// The UUID on the record's first line, lower-cased, or "" if the first line is
// not a UUID (empty, garbage, or truncated).
std::string record_uuid(std::string_view bytes);

}  // namespace uuid_filelock::detail
