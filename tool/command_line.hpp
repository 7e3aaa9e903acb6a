// `run`'s command line as flock(1) reads its own: options only up to the
// lock file, and everything after it the command's, so that
// `run LOCKFILE ls -la` runs `ls -la` rather than rejecting "-la".
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace uuid_filelock::tool {

struct split_command_line {
  std::vector<std::string> tool;     // the program, "run", its options and LOCKFILE
  std::vector<std::string> command;  // COMMAND and its arguments, as given
};

// Splits `args` (the whole command line) after the first argument of `run`
// that is not an option or an option's value: the lock file. A "--" before
// the lock file or right after it is dropped (`run -- -odd.lock cmd`,
// `run L -- cmd`); `-c`/`--command` right after the lock file stays an option
// of the tool, as flock(1) reads `flock L -c 'shell command'`. Command lines
// of other subcommands are returned whole. `run` says which of its options
// take a value.
split_command_line split_run_arguments(const std::vector<std::string>& args, const CLI::App& run);

}  // namespace uuid_filelock::tool
