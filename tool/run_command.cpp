#include <iostream>

#include "child.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "printable.hpp"
#include "waiting.hpp"

namespace uuid_filelock::tool {

int run_command(const settings& s, const std::vector<std::string>& command) {
  UUIDFileLock lock(s.lock_file, lock_options(s));
  if (const int acquired = acquire_for_tool(lock, s); acquired != kOk) return acquired;

  std::error_code start_error;
  const int status = run_child(command, start_error);

  // The command's status is the tool's, unless the lock turned out not to
  // have been ours the whole time: then the exclusion the script relied on
  // failed, and it must know.
  std::error_code release_error;
  lock.release(release_error);
  if (start_error) {
    // Usually a path: printed like one (Windows keeps its backslashes).
    std::cerr << "uuid-filelock: cannot run "
              << printable_path(std::filesystem::u8path(command.front())) << ": "
              << start_error.message() << "\n";
    return kCannotRun;
  }
  if (release_error) {
    report_error(s.lock_file, release_error);
    return kLockError;
  }
  if (s.level == verbosity::verbose)
    std::cerr << "uuid-filelock: released " << printable_path(s.lock_file) << "\n";
  return status;
}

}  // namespace uuid_filelock::tool
