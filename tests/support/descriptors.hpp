// The open descriptors of the calling process, for a child proving that it
// inherited none of its parent's lock file.
#pragma once

#include <filesystem>

namespace uuid_filelock::test {

// How many of this process's descriptors refer to `file` (the same file, by
// device and inode, under whatever name it was opened); -1 where that cannot
// be told (Windows lists a process's handles through no documented API).
int descriptors_referring_to(const std::filesystem::path& file);

}  // namespace uuid_filelock::test
