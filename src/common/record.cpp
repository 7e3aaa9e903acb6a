#include "record.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace uuid_filelock::detail {
namespace {

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

// RFC 3339 in UTC with microseconds, e.g. 2026-11-26T23:59:00.123456Z.
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

bool is_canonical_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position != (s[i] == '-')) return false;
    if (!dash_position && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

std::string format_record(std::string_view token, const process_identity& holder,
                          std::chrono::system_clock::time_point acquired_at) {
  std::string record;
  record.reserve(160);
  record.append(token).append("\n");
  record.append("format=uuid-filelock/1\n");
  record.append("pid=").append(std::to_string(holder.pid)).append("\n");
  record.append("host=").append(one_line(holder.host)).append("\n");
  record.append("acquired_at=").append(rfc3339(acquired_at)).append("\n");
  return record;
}

std::string record_uuid(std::string_view bytes) {
  std::string_view line = bytes.substr(0, bytes.find('\n'));
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
    line.remove_suffix(1);
  }
  if (!is_canonical_uuid(line)) return {};
  std::string uuid(line);
  for (char& c : uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return uuid;
}

}  // namespace uuid_filelock::detail
