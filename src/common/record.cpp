#include "record.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "uuid_filelock/options.hpp"

namespace uuid_filelock::detail {
namespace {

constexpr std::string_view kFormatLine = "format=uuid-filelock/1";

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
// civil_from_days); std::gmtime is not thread-safe and gmtime_r is not portable.
void civil_from_days(std::int64_t days, int& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

// RFC 3339 in UTC with microseconds, e.g. 2026-11-26T23:59:00.123456Z. Fixed
// width, so a fresher timestamp rewrites a record in place.
std::string rfc3339(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  const std::int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::int64_t sod = secs - days * 86400;
  int year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", year, month, day,
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60), static_cast<int>(us - secs * 1000000));
  return buf;
}

// A record is line-based: a hostname must not be able to forge extra lines.
std::string one_line(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (std::iscntrl(static_cast<unsigned char>(c))) c = '?';
  }
  return out;
}

bool continues_a_character(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

std::string_view trimmed(std::string_view line) {
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
    line.remove_suffix(1);
  }
  return line;
}

// Whether `s` is the beginning (or the whole) of a UUID in its canonical
// 8-4-4-4-12 hexadecimal form.
bool starts_a_uuid(std::string_view s) {
  if (s.size() > 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position != (s[i] == '-')) return false;
    if (!dash_position && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool is_canonical_uuid(std::string_view s) { return s.size() == 36 && starts_a_uuid(s); }

std::uint64_t number(std::string_view text) {
  return std::strtoull(std::string(text).c_str(), nullptr, 10);
}

// Takes the next line off `rest`.
std::string_view next_line(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  return trimmed(line);
}

}  // namespace

std::string record_description(std::string_view text) {
  std::size_t length = std::min(text.size(), max_description_bytes);
  // Cut before the character the cap falls in, not through it.
  if (length < text.size()) {
    while (length > 0 && continues_a_character(text[length])) --length;
  }
  const std::string line = one_line(text.substr(0, length));
  return std::string(trimmed(line));
}

std::string format_record(std::string_view token, const process_identity& holder,
                          const record_flags& flags,
                          std::chrono::system_clock::time_point acquired_at) {
  std::string record;
  record.reserve(320);
  record.append(token).append("\n");
  record.append(kFormatLine).append("\n");
  record.append("pid=").append(std::to_string(holder.pid)).append("\n");
  // A start time that could not be read is left out, not written as a value
  // (readers take a missing one for "unknown", and never judge by it).
  if (holder.start_time != 0)
    record.append("start=").append(std::to_string(holder.start_time)).append("\n");
  record.append("host=").append(one_line(holder.host)).append("\n");
  record.append("machine=").append(one_line(holder.machine_id)).append("\n");
  record.append("boot=").append(one_line(holder.boot_id)).append("\n");
  record.append("pidns=").append(one_line(holder.pid_namespace)).append("\n");
  record.append("advisory=").append(flags.advisory ? "1" : "0").append("\n");
  record.append("acquired_at=").append(rfc3339(acquired_at)).append("\n");
  if (flags.detached) record.append("detached=1\n");
  if (flags.heartbeat)
    record.append("heartbeat_ms=").append(std::to_string(flags.heartbeat->count())).append("\n");
  if (flags.companion.pid != 0) {
    record.append("companion=").append(std::to_string(flags.companion.pid)).append("\n");
    if (flags.companion.start_time != 0)
      record.append("companion_start=")
          .append(std::to_string(flags.companion.start_time))
          .append("\n");
  }
  const std::string description = record_description(flags.description);
  if (!description.empty()) record.append("description=").append(description).append("\n");
  return record;
}

holder_record parse_record(std::string_view bytes, bool truncated) {
  holder_record record;
  // Only a record may ever be removed. A file being written in place (the
  // last publication fallback) is seen empty or, at worst, cut short within
  // its first line; anything else is somebody's data.
  record.type = holder_record::kind::foreign;
  if (truncated) return record;
  if (bytes.find('\n') == std::string_view::npos && starts_a_uuid(bytes) && bytes.size() < 36) {
    record.type = holder_record::kind::incomplete;
    return record;
  }
  std::string_view rest = bytes;
  const std::string_view first = next_line(rest);
  if (!is_canonical_uuid(first)) return record;
  record.uuid.assign(first);
  for (char& c : record.uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  record.type = holder_record::kind::uuid_only;
  if (next_line(rest) != kFormatLine) return record;

  record.type = holder_record::kind::full;
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, equals);
    const std::string_view value = line.substr(equals + 1);
    // Keys this version does not know are skipped: later versions add lines.
    if (key == "pid") {
      record.holder.pid = number(value);
    } else if (key == "start") {
      record.holder.start_time = number(value);
    } else if (key == "host") {
      record.holder.host.assign(value);
    } else if (key == "machine") {
      record.holder.machine_id.assign(value);
    } else if (key == "boot") {
      record.holder.boot_id.assign(value);
    } else if (key == "pidns") {
      record.holder.pid_namespace.assign(value);
    } else if (key == "advisory") {
      record.advisory = value == "1";
    } else if (key == "detached") {
      record.detached = value == "1";
    } else if (key == "heartbeat_ms") {
      // Zero or garbage is no heartbeat; a limit below what a holder may
      // choose is raised to it, so that a forged record is not broken sooner.
      const std::uint64_t ms = number(value);
      if (ms > 0 && ms < 1000ull * 86400 * 365)
        record.heartbeat = std::max<std::chrono::milliseconds>(
            std::chrono::milliseconds(static_cast<std::int64_t>(ms)), min_heartbeat_stale_after);
    } else if (key == "companion") {
      record.companion.pid = number(value);
    } else if (key == "companion_start") {
      record.companion.start_time = number(value);
    } else if (key == "description") {
      record.description = record_description(value);
    } else if (key == "acquired_at") {
      record.acquired_at.assign(value);
    }
  }
  return record;
}

}  // namespace uuid_filelock::detail
