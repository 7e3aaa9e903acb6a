// A lock held across separate steps of a script or installer: `acquire`
// leaves it held after the tool exits, `release` takes it back by its token.
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "parent_process.hpp"
#include "printable.hpp"
#include "uuid_filelock/inspect.hpp"
#include "waiting.hpp"

namespace uuid_filelock::tool {

int acquire_command(const arguments& args) {
  const settings& s = args.s;
  options opts = lock_options(s);
  opts.detached = true;
  // An owner makes the detached lock last as long as that process.
  if (args.owner_pid) opts.companion_pid = *args.owner_pid;
  if (args.owner_parent) opts.companion_pid = parent_process_id();
  if (args.owner_parent && opts.companion_pid == 0) {
    std::cerr << "uuid-filelock: cannot tell which process started this tool\n";
    return s.error_exit_code;
  }
  UUIDFileLock lock(s.lock_file, opts);
  switch (acquire_for_tool(lock, s)) {
    case acquisition::acquired:
      break;
    case acquisition::not_acquired:
      return s.conflict_exit_code;
    case acquisition::failed:
      return s.error_exit_code;
  }
  // The token is the only way to end the lock: if it cannot be handed over
  // (stdout closed or full), the lock is not left behind.
  std::cout << lock.token() << std::endl;
  if (!std::cout) {
    std::error_code ignored;
    lock.release(ignored);
    std::cerr << "uuid-filelock: cannot write the token; " << printable_path(s.lock_file)
              << " released\n";
    return s.error_exit_code;
  }
  lock.detach();
  return kOk;
}

int release_command(const settings& s, const std::string& token) {
  std::error_code ec;
  const bool released = release_detached(s.lock_file, token, lock_options(s), ec);
  if (ec) {
    report_error(s.lock_file, ec);
    return kLockError;
  }
  if (!released) {
    std::cerr << "uuid-filelock: " << printable_path(s.lock_file)
              << ": no lock with that token; nothing was changed\n";
    return kRefused;
  }
  if (s.level == verbosity::verbose)
    std::cerr << "uuid-filelock: released " << printable_path(s.lock_file) << "\n";
  return kOk;
}

}  // namespace uuid_filelock::tool
