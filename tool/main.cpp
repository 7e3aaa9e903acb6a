// uuid-filelock: UUID-verified lock files for scripts, installers and updaters.
// See docs/uuid-filelock.1 and the README's "Command-line tool".
#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "help_format.hpp"
#include "interface.hpp"
#include "printable.hpp"
#include "terminal.hpp"

namespace {

using namespace uuid_filelock::tool;

std::string subcommand_list() {
  std::string list;
  for (const std::string& name : subcommand_names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

int usage_error(const std::string& message) {
  // CLI11 quotes the arguments it rejects, which may be a file name.
  std::cerr << "uuid-filelock: " << printable(message)
            << "\nRun 'uuid-filelock --help' for usage.\n";
  return kUsage;
}

// The first word names a subcommand, or is an option of the tool itself:
// anything else is a typo worth naming, not "a subcommand is required".
bool unknown_subcommand(const std::vector<std::string>& args) {
  return args.size() > 1 && args[1].rfind('-', 0) != 0 &&
         std::find(subcommand_names.begin(), subcommand_names.end(), args[1]) ==
             subcommand_names.end();
}

// `help [SUBCOMMAND]`, answered before parsing (see define_help).
int help_command(const CLI::App& app, const std::vector<std::string>& args) {
  if (args.size() > 3) return usage_error("help takes one subcommand's name at most");
  if (args.size() == 2) {
    std::cout << app.help();
    return kOk;
  }
  const std::string& topic = args[2];
  if (std::find(subcommand_names.begin(), subcommand_names.end(), topic) == subcommand_names.end())
    return usage_error("no subcommand '" + topic + "'; the subcommands are " + subcommand_list());
  std::cout << app.get_subcommand(topic)->help(app.get_name());
  return kOk;
}

int dispatch(const CLI::App& app, arguments& args) {
  const settings& s = args.s;
  if (app.got_subcommand("run")) return run_command(args);
  if (app.got_subcommand("status")) return status_command(s, args.json);
  if (app.got_subcommand("acquire")) return acquire_command(args);
  if (app.got_subcommand("release")) return release_command(s, args.token);
  return break_command(s, args.force);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "UUID-verified lock files for scripts, installers and updaters. Exit statuses: see each "
      "subcommand; 64 usage error, 74 lock error, 75 not acquired.",
      "uuid-filelock"};
  app.formatter(wrapping_formatter(help_width()));
  app.set_version_flag("-V,--version", "uuid-filelock " UUID_FILELOCK_VERSION);
  app.footer("Run 'uuid-filelock help SUBCOMMAND' for a subcommand's options.");
  arguments args;
  define_interface(app, args);

  std::vector<std::string> whole(argv, argv + argc);
  // A program may be started without even its own name (execve with an
  // empty argv, which Linux before 5.18 and other systems allow).
  if (whole.empty()) whole.emplace_back("uuid-filelock");
  if (unknown_subcommand(whole))
    return usage_error("unknown subcommand '" + whole[1] + "'; the subcommands are " +
                       subcommand_list());
  if (whole.size() > 1 && whole[1] == "help") return help_command(app, whole);
  split_command_line split = split_run_arguments(whole, *app.get_subcommand("run"));
  try {
    // CLI11 takes the arguments in reverse, without the program's name.
    std::vector<std::string> reversed(split.tool.rbegin(), split.tool.rend() - 1);
    app.parse(reversed);
    args.command = std::move(split.command);
    if (app.get_subcommands().empty()) {
      throw CLI::ValidationError("a subcommand is required: " + subcommand_list());
    }
    check_arguments(app, args);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version: printed on stdout
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  report_broken_pipes_as_errors();
  try {
    return dispatch(app, args);
  } catch (const std::exception& e) {
    // A filesystem_error's text quotes its paths.
    std::cerr << "uuid-filelock: " << printable(e.what()) << "\n";
    return args.s.error_exit_code;
  }
}
