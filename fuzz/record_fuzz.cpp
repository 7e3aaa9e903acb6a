// The lock record parser on arbitrary bytes. Whatever a lock file holds (a
// torn write, somebody's data file, a co-user's bait), reading it must not
// crash, and what it yields must be self-consistent: a record written from
// what was read reads back the same, and no value can forge a line.
//
// Input: the first byte's low bit is the reader's `truncated` flag (the file
// was larger than max_record_bytes), its next two bits pick the time written
// into re-formatted records; the remaining bytes are the file's beginning.
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../src/common/record.hpp"
#include "fuzz_check.hpp"
#include "uuid_filelock/options.hpp"

namespace {

using uuid_filelock::detail::holder_record;
using uuid_filelock::detail::parse_record;
using clock_type = std::chrono::system_clock;

bool is_lower_canonical_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    if (dash_position ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  }
  return true;
}

std::string lower_cased(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What docs/protocol.md promises of a value written into a record: control
// characters replaced, so that it stays on its line. A line's trailing
// whitespace is not part of its value.
std::string as_written(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (std::iscntrl(static_cast<unsigned char>(c))) c = '?';
  }
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

// The times a record may be stamped with, up to the clock's limits: a clock
// set far off must not make the record unreadable or its formatting overflow.
clock_type::time_point chosen_time(std::uint8_t selector) {
  switch ((selector >> 1) & 3) {
    case 0:
      return clock_type::time_point{};
    case 1:
      return clock_type::time_point(std::chrono::duration_cast<clock_type::duration>(
          std::chrono::microseconds(1795737540123456)));  // 2026-11-26T23:59:00.123456Z
    case 2:
      return clock_type::time_point::min();
    default:
      return clock_type::time_point::max();
  }
}

// Nothing but the kind and the UUID is ever taken from a file that is not in
// our format: a holder is only described by a record of ours.
void check_undescribed(const holder_record& record) {
  FUZZ_REQUIRE(record.holder.pid == 0 && record.holder.start_time == 0);
  FUZZ_REQUIRE(record.holder.host.empty() && record.holder.machine_id.empty());
  FUZZ_REQUIRE(record.holder.boot_id.empty() && record.holder.pid_namespace.empty());
  FUZZ_REQUIRE(!record.advisory && !record.detached && !record.heartbeat);
  FUZZ_REQUIRE(record.acquired_at.empty() && record.description.empty());
}

void check_parsed(const holder_record& record, std::string_view bytes, bool truncated) {
  // The UUID is the file's first 36 bytes, lower-cased, or nothing.
  const bool has_uuid =
      record.type == holder_record::kind::full || record.type == holder_record::kind::uuid_only;
  FUZZ_REQUIRE(has_uuid != record.uuid.empty());
  FUZZ_REQUIRE(record.uuid.empty() || is_lower_canonical_uuid(record.uuid));
  if (has_uuid) FUZZ_REQUIRE(record.uuid == lower_cased(bytes.substr(0, 36)));
  // A file larger than any record is never read as one.
  if (truncated) FUZZ_REQUIRE(!has_uuid);
  if (record.type != holder_record::kind::full) check_undescribed(record);
  // A heartbeat limit is raised to what a holder may choose, and an absurd
  // one (a year or more) is none.
  if (record.heartbeat) {
    FUZZ_REQUIRE(*record.heartbeat >= uuid_filelock::min_heartbeat_stale_after);
    FUZZ_REQUIRE(*record.heartbeat < std::chrono::hours(24 * 365));
  }
  // A description, forged or not, is one capped line without control
  // characters.
  FUZZ_REQUIRE(record.description.size() <= uuid_filelock::detail::max_description_bytes);
  for (const char c : record.description)
    FUZZ_REQUIRE(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
}

// A record written from what was read reads back the same: every number and
// flag exactly, every string as written (control characters replaced).
void written_and_read(const holder_record& record,
                      const uuid_filelock::detail::process_identity& holder,
                      clock_type::time_point acquired_at) {
  uuid_filelock::detail::record_flags flags;
  flags.advisory = record.advisory;
  flags.detached = record.detached;
  flags.heartbeat = record.heartbeat;
  flags.description = record.description;
  const std::string text =
      uuid_filelock::detail::format_record(record.uuid, holder, flags, acquired_at);
  const holder_record again = parse_record(text, false);
  FUZZ_REQUIRE(again.type == holder_record::kind::full);
  FUZZ_REQUIRE(again.uuid == record.uuid);
  FUZZ_REQUIRE(again.holder.pid == holder.pid);
  FUZZ_REQUIRE(again.holder.start_time == holder.start_time);
  FUZZ_REQUIRE(again.advisory == record.advisory);
  FUZZ_REQUIRE(again.detached == record.detached);
  FUZZ_REQUIRE(again.heartbeat == record.heartbeat);
  FUZZ_REQUIRE(again.description == record.description);
  FUZZ_REQUIRE(again.holder.host == as_written(holder.host));
  FUZZ_REQUIRE(again.holder.machine_id == as_written(holder.machine_id));
  FUZZ_REQUIRE(again.holder.boot_id == as_written(holder.boot_id));
  FUZZ_REQUIRE(again.holder.pid_namespace == as_written(holder.pid_namespace));
  // RFC 3339 with microseconds, fixed width at every time the clock can hold.
  FUZZ_REQUIRE(again.acquired_at.size() == 27 && again.acquired_at[10] == 'T' &&
               again.acquired_at.back() == 'Z');
}

void check_round_trip(const holder_record& record, std::string_view bytes,
                      clock_type::time_point acquired_at) {
  // Values as read: a value read from a line has no line break and no
  // trailing whitespace, so unless it holds other control characters it
  // reads back unchanged.
  written_and_read(record, record.holder, acquired_at);

  // A hostname and machine id holding the whole input, line breaks and
  // "pid=..." lines included, forge nothing: every other value reads back.
  uuid_filelock::detail::process_identity forger = record.holder;
  forger.host.assign(bytes);
  forger.machine_id.assign(bytes);
  written_and_read(record, forger, acquired_at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool truncated = (data[0] & 1) != 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const holder_record record = parse_record(bytes, truncated);
  check_parsed(record, bytes, truncated);
  if (record.type == holder_record::kind::full)
    check_round_trip(record, bytes, chosen_time(data[0]));
  return 0;
}
