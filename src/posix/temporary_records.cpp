// Listing the temporary records in a lock's directory (see sweep_temporaries).
#include <dirent.h>

#include <cstring>
#include <string_view>

#include "../common/backend.hpp"

namespace uuid_filelock::detail {

std::vector<std::filesystem::path> temporary_records(const std::filesystem::path& directory,
                                                     std::string_view suffix) noexcept {
  std::vector<std::filesystem::path> found;
  try {
    DIR* listing = ::opendir(directory.empty() ? "." : directory.c_str());
    if (listing == nullptr) return found;
    constexpr std::string_view prefix = ".uuid-filelock-";
    while (const dirent* entry = ::readdir(listing)) {
      const std::string_view name(entry->d_name, std::strlen(entry->d_name));
      if (name.size() > prefix.size() + suffix.size() && name.substr(0, prefix.size()) == prefix &&
          name.substr(name.size() - suffix.size()) == suffix)
        found.push_back(directory / std::string(name));
    }
    ::closedir(listing);
  } catch (...) {
    found.clear();  // out of memory: nothing swept this time
  }
  return found;
}

}  // namespace uuid_filelock::detail
