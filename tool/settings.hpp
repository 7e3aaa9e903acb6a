// What the subcommands have in common: how to wait, how to judge holders,
// how much to say.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "exit_codes.hpp"
#include "uuid_filelock/options.hpp"

namespace uuid_filelock::tool {

enum class verbosity { quiet, normal, verbose };

struct settings {
  std::filesystem::path lock_file;
  std::optional<double> timeout_seconds;  // none: wait forever; 0: one attempt
  double retry_interval_seconds = 1.0;
  std::optional<double> stale_after_seconds;
  std::optional<double> verify_delay_seconds;  // none: automatic
  bool heartbeat = false;
  filesystem_kind filesystem = filesystem_kind::automatic;
  bool advisory = true;
  verbosity level = verbosity::normal;
  std::string description;  // "": the library's default, the program's name
  // The exit statuses for "not acquired" (flock's -E) and for a failure of
  // the lock itself, which scripts may move out of COMMAND's range.
  int conflict_exit_code = kTimeout;
  int error_exit_code = kLockError;
};

std::chrono::nanoseconds seconds_to_duration(double seconds);

// The library options these settings stand for.
options lock_options(const settings& s);

// One error line on stderr: "uuid-filelock: PATH: what went wrong".
void report_error(const std::filesystem::path& path, const std::error_code& ec);

}  // namespace uuid_filelock::tool
