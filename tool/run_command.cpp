#include <iostream>

#include "child.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "printable.hpp"
#include "status_file.hpp"
#include "waiting.hpp"

namespace uuid_filelock::tool {
namespace {

int cannot_run(const std::vector<std::string>& command, const std::error_code& error) {
  // Usually a path: printed like one (Windows keeps its backslashes).
  std::cerr << "uuid-filelock: cannot run "
            << printable_path(std::filesystem::u8path(command.front())) << ": " << error.message()
            << "\n";
  return kCannotRun;
}

// What runs: COMMAND, or -c's text through the shell.
std::vector<std::string> command_of(const arguments& args) {
  return args.shell ? shell_command(*args.shell) : args.command;
}

// The record's description unless one was given: what runs, by its name.
settings described(const arguments& args) {
  settings s = args.s;
  if (s.description.empty())
    s.description = args.shell
                        ? *args.shell
                        : std::filesystem::u8path(args.command.front()).filename().u8string();
  return s;
}

// Runs COMMAND under `lock`; what happened goes to `status` too.
int run_locked(const settings& s, const std::vector<std::string>& command, status_file& status) {
  // The command exists before the lock is taken, paused, so that the lock's
  // record names it: if the tool is killed while the command runs (SIGKILL,
  // the OOM killer), the lock stays held until the command exits too.
  std::error_code start_error;
  paused_child child(command, start_error);
  if (start_error) {
    status.write("cannot-run");
    return cannot_run(command, start_error);
  }
  options opts = lock_options(s);
  opts.companion_pid = child.pid();
  UUIDFileLock lock(s.lock_file, opts);
  switch (acquire_for_tool(lock, s)) {
    case acquisition::acquired:
      break;
    case acquisition::not_acquired:
      status.write("not-acquired");
      return s.conflict_exit_code;
    case acquisition::failed:
      status.write("lock-error");
      return s.error_exit_code;
  }

  const int exit_status = child.run(start_error);

  // The command's status is the tool's, unless the lock turned out not to
  // have been ours the whole time: then the exclusion the script relied on
  // failed, and it must know.
  std::error_code release_error;
  lock.release(release_error);
  if (start_error) {
    status.write("cannot-run");
    return cannot_run(command, start_error);
  }
  if (release_error) {
    status.write("ran-lock-error " + std::to_string(exit_status));
    report_error(s.lock_file, release_error);
    return s.error_exit_code;
  }
  if (s.level == verbosity::verbose)
    std::cerr << "uuid-filelock: released " << printable_path(s.lock_file) << "\n";
  status.write("ran " + std::to_string(exit_status));
  return exit_status;
}

}  // namespace

int run_command(const arguments& args) {
  const std::vector<std::string> command = command_of(args);
  if (command.empty()) {
    std::cerr << "uuid-filelock: -c needs a POSIX shell; on Windows, give COMMAND and its "
                 "arguments\n";
    return kUsage;
  }
  status_file status(args.status_file);
  if (!status.written()) {
    std::cerr << "uuid-filelock: cannot write the status file " << printable_path(status.path())
              << "\n";
    return args.s.error_exit_code;
  }
  const int exit_status = run_locked(described(args), command, status);
  // A status the script cannot read must not pass for the one it expects.
  if (!status.written()) {
    std::cerr << "uuid-filelock: cannot write the status file " << printable_path(status.path())
              << "\n";
    return args.s.error_exit_code;
  }
  return exit_status;
}

}  // namespace uuid_filelock::tool
