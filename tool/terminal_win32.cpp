#include <windows.h>

#include "terminal.hpp"

namespace uuid_filelock::tool {

// A console answers GetConsoleMode; a pipe or file does not.
bool stderr_is_terminal() {
  DWORD mode = 0;
  return ::GetConsoleMode(::GetStdHandle(STD_ERROR_HANDLE), &mode) != FALSE;
}

// Windows has no SIGPIPE: a failed write is already an error.
void report_broken_pipes_as_errors() {}

}  // namespace uuid_filelock::tool
