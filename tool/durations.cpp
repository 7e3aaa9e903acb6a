#include "durations.hpp"

#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <optional>
#include <sstream>
#include <string_view>

namespace uuid_filelock::tool {
namespace {

struct unit {
  std::string_view suffix;
  double seconds;
};

// Longest suffix first, so that "ms" is not read as "m" followed by "s".
constexpr unit kUnits[] = {{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}};

// The number of seconds `text` says, or nothing if it is no duration.
std::optional<double> seconds_in(const std::string& text) {
  std::string_view number = text;
  double scale = 1;
  for (const unit& u : kUnits) {
    if (number.size() > u.suffix.size() &&
        number.substr(number.size() - u.suffix.size()) == u.suffix) {
      number.remove_suffix(u.suffix.size());
      scale = u.seconds;
      break;
    }
  }
  // strtod accepts what CLI11 accepted for plain seconds ("1e3", " 2"), but
  // also "inf" and "nan": those are refused below.
  const std::string digits(number);
  char* end = nullptr;
  const double value = std::strtod(digits.c_str(), &end);
  if (digits.empty() || end != digits.c_str() + digits.size() || !std::isfinite(value))
    return std::nullopt;
  return value * scale;
}

}  // namespace

CLI::Validator duration(bool zero_allowed) {
  return CLI::Validator(
      [zero_allowed](std::string& text) -> std::string {
        const std::optional<double> seconds = seconds_in(text);
        if (!seconds || !(*seconds >= 0) || *seconds > 1e9 || (*seconds == 0 && !zero_allowed))
          return std::string("expects a duration") + (zero_allowed ? "" : " above zero") +
                 ": a number of seconds (fractions allowed), or a number with a unit: 500ms, "
                 "10s, 5m, 2h";
        std::ostringstream exact;
        exact << std::setprecision(17) << *seconds;
        text = exact.str();
        return {};
      },
      "");
}

}  // namespace uuid_filelock::tool
