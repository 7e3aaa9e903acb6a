// Durations on the command line: plain seconds as before ("1.5"), or a
// number with a unit ("500ms", "10s", "5m", "2h"), the same for every option
// that takes one.
#pragma once

#include <CLI/CLI.hpp>

namespace uuid_filelock::tool {

// Checks a duration and rewrites it as plain seconds for the option's double.
// Zero is refused where `zero_allowed` is false (intervals).
CLI::Validator duration(bool zero_allowed);

}  // namespace uuid_filelock::tool
