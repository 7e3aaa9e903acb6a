#include "status_file.hpp"

namespace uuid_filelock::tool {

// Opened like a shell redirection (`> FILE`): the caller's own path, so a
// symlink such as /dev/fd/3 is followed.
status_file::status_file(const std::string& path) : path_(std::filesystem::u8path(path)) {
  if (!path_.empty()) out_.open(path_, std::ios::out | std::ios::trunc);
}

void status_file::write(const std::string& outcome) {
  if (path_.empty()) return;
  out_ << outcome << '\n';
  out_.flush();
}

}  // namespace uuid_filelock::tool
