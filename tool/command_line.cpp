#include "command_line.hpp"

#include <algorithm>
#include <cstddef>

namespace uuid_filelock::tool {
namespace {

bool takes_value(const CLI::App& run, const std::string& name) {
  const CLI::Option* option = run.get_option_no_throw(name);
  return option != nullptr && option->get_items_expected_min() > 0;
}

// How many arguments the option at `arg` spans: 1, or 2 when its value is
// the next argument. Short options may be bundled ("-nq", "-w5", "-nw 5"):
// the first that takes a value takes the rest of the bundle, or the next
// argument if nothing is left.
std::size_t option_span(const CLI::App& run, const std::string& arg) {
  if (arg.rfind("--", 0) == 0) {
    if (arg.find('=') != std::string::npos) return 1;
    return takes_value(run, arg) ? 2 : 1;
  }
  for (std::size_t i = 1; i < arg.size(); ++i) {
    if (takes_value(run, std::string("-") + arg[i])) return i + 1 == arg.size() ? 2 : 1;
  }
  return 1;
}

bool is_option(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

}  // namespace

split_command_line split_run_arguments(const std::vector<std::string>& args, const CLI::App& run) {
  split_command_line split;
  if (args.size() < 2 || args[1] != run.get_name()) {
    split.tool = args;
    return split;
  }
  std::size_t i = 2;
  while (i < args.size() && is_option(args[i]) && args[i] != "--") i += option_span(run, args[i]);
  if (i < args.size() && args[i] == "--") ++i;  // the lock file may look like an option
  std::size_t lock_file = i;
  if (lock_file >= args.size()) {
    split.tool = args;  // no lock file: CLI11 says what is missing
    return split;
  }
  split.tool.assign(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(lock_file) + 1);
  std::size_t rest = lock_file + 1;
  if (rest < args.size() && args[rest] == "--") {
    ++rest;
  } else if (rest < args.size() && (args[rest] == "-c" || args[rest] == "--command" ||
                                    args[rest].rfind("--command=", 0) == 0)) {
    // flock(1)'s `LOCKFILE -c 'shell command'`: the option and its value.
    const std::size_t end = std::min(rest + option_span(run, args[rest]), args.size());
    split.tool.insert(split.tool.end(), args.begin() + static_cast<std::ptrdiff_t>(rest),
                      args.begin() + static_cast<std::ptrdiff_t>(end));
    rest = end;
  }
  split.command.assign(args.begin() + static_cast<std::ptrdiff_t>(rest), args.end());
  return split;
}

}  // namespace uuid_filelock::tool
