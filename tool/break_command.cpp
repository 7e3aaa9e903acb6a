#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "holder_text.hpp"
#include "printable.hpp"
#include "uuid_filelock/inspect.hpp"

namespace uuid_filelock::tool {

int break_command(const settings& s, bool force) {
  const options opts = lock_options(s);
  std::error_code ec;
  // Looked at first only to name the holder if it is refused.
  const lock_status before = inspect_lock(s.lock_file, opts, ec);
  if (!ec) {
    switch (break_lock(s.lock_file, opts, force, ec)) {
      case break_result::removed:
        std::cout << "removed\n";
        return kOk;
      case break_result::nothing:
        if (!ec) {
          std::cout << "no lock\n";
          return kOk;
        }
        break;
      case break_result::refused:
        if (!ec) {
          std::cerr << "uuid-filelock: " << printable_path(s.lock_file) << " is "
                    << describe_holder(before) << "; not broken"
                    << (force ? " (its holder still has it open, or another process keeps "
                                "breaking it)"
                              : " (use --force)")
                    << "\n";
          return kRefused;
        }
        break;
    }
  }
  report_error(s.lock_file, ec);
  return kLockError;
}

}  // namespace uuid_filelock::tool
