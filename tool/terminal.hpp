// Whether a human watches stderr: only then is a waiting line drawn.
#pragma once

namespace uuid_filelock::tool {

bool stderr_is_terminal();

}  // namespace uuid_filelock::tool
