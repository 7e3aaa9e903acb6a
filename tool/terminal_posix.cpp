#include <unistd.h>

#include "terminal.hpp"

namespace uuid_filelock::tool {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace uuid_filelock::tool
