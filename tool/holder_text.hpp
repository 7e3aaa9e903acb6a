// A holder described for humans: "held by pid 1234 with pid 1235 (backup) on
// host build-7 for 12 s". The host and the description come from the record,
// which anyone may forge: they are escaped
// (printable.hpp), so the text is safe to print as it is.
#pragma once

#include <string>

#include "uuid_filelock/inspect.hpp"

namespace uuid_filelock::tool {

std::string describe_holder(const lock_status& status);

}  // namespace uuid_filelock::tool
