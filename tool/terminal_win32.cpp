#include <windows.h>

#include "terminal.hpp"

namespace uuid_filelock::tool {

// A console answers GetConsoleMode; a pipe or file does not.
bool stderr_is_terminal() {
  DWORD mode = 0;
  return ::GetConsoleMode(::GetStdHandle(STD_ERROR_HANDLE), &mode) != FALSE;
}

std::size_t help_width() {
  CONSOLE_SCREEN_BUFFER_INFO info{};
  if (::GetConsoleScreenBufferInfo(::GetStdHandle(STD_OUTPUT_HANDLE), &info)) {
    const int columns = info.srWindow.Right - info.srWindow.Left + 1;
    if (columns > 0) return static_cast<std::size_t>(columns);
  }
  return 80;
}

// Windows has no SIGPIPE: a failed write is already an error.
void report_broken_pipes_as_errors() {}

}  // namespace uuid_filelock::tool
