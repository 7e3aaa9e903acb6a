// The tool's command line: its subcommands, their options and what they set.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "settings.hpp"

namespace uuid_filelock::tool {

// Everything a command line can say, beyond the settings all subcommands
// share.
struct arguments {
  settings s;
  std::vector<std::string> command;        // run: COMMAND and its arguments
  std::optional<std::string> shell;        // run -c: a shell command instead
  std::string status_file;                 // run --status-file
  std::optional<std::uint64_t> owner_pid;  // acquire --owner-pid
  bool owner_parent = false;               // acquire --owner-parent
  bool json = false;                       // status --json
  std::string token;                       // release
  bool force = false;                      // break --force
};

// The subcommands, in the order help lists them.
inline const std::vector<std::string> subcommand_names{"run",     "status", "acquire",
                                                       "release", "break",  "help"};

// Defines the subcommands and options of `app`, storing into `args`.
void define_interface(CLI::App& app, arguments& args);

// What CLI11 cannot check while parsing: thrown as CLI::ValidationError.
void check_arguments(const CLI::App& app, const arguments& args);

}  // namespace uuid_filelock::tool
