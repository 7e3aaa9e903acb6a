#include <iostream>

#include "child.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "printable.hpp"
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

}  // namespace

int run_command(const settings& s, const std::vector<std::string>& command) {
  // The command exists before the lock is taken, paused, so that the lock's
  // record names it: if the tool is killed while the command runs (SIGKILL,
  // the OOM killer), the lock stays held until the command exits too.
  std::error_code start_error;
  paused_child child(command, start_error);
  if (start_error) return cannot_run(command, start_error);
  options opts = lock_options(s);
  opts.companion_pid = child.pid();
  UUIDFileLock lock(s.lock_file, opts);
  if (const int acquired = acquire_for_tool(lock, s); acquired != kOk) return acquired;

  const int status = child.run(start_error);

  // The command's status is the tool's, unless the lock turned out not to
  // have been ours the whole time: then the exclusion the script relied on
  // failed, and it must know.
  std::error_code release_error;
  lock.release(release_error);
  if (start_error) return cannot_run(command, start_error);
  if (release_error) {
    report_error(s.lock_file, release_error);
    return kLockError;
  }
  if (s.level == verbosity::verbose)
    std::cerr << "uuid-filelock: released " << printable_path(s.lock_file) << "\n";
  return status;
}

}  // namespace uuid_filelock::tool
