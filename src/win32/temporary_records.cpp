// Listing the temporary records in a lock's directory (see sweep_temporaries).
// Only a detached lock's temporary can be left behind here: the others are
// delete-on-close.
#include "win32_io.hpp"

namespace uuid_filelock::detail {

std::vector<std::filesystem::path> temporary_records(const std::filesystem::path& directory,
                                                     std::string_view suffix) noexcept {
  std::vector<std::filesystem::path> found;
  try {
    const std::filesystem::path where = directory.empty() ? "." : directory;
    WIN32_FIND_DATAW entry;
    const HANDLE listing = ::FindFirstFileExW(
        win32::native_path(where / (".uuid-filelock-*" + std::string(suffix))).c_str(),
        FindExInfoBasic, &entry, FindExSearchNameMatch, nullptr, 0);
    if (listing == INVALID_HANDLE_VALUE) return found;
    do {
      found.push_back(where / entry.cFileName);
    } while (::FindNextFileW(listing, &entry));
    ::FindClose(listing);
  } catch (...) {
    found.clear();  // out of memory: nothing swept this time
  }
  return found;
}

}  // namespace uuid_filelock::detail
