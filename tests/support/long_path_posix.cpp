#include "long_path.hpp"

namespace uuid_filelock::test {

std::filesystem::path any_length(const std::filesystem::path& path) { return path; }

void create_directories_any_length(const std::filesystem::path& directory) {
  std::filesystem::create_directories(directory);
}

std::set<std::string> entry_names(const std::filesystem::path& directory) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.insert(entry.path().filename().u8string());
  }
  return names;
}

void remove_tree(const std::filesystem::path& path) noexcept {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

}  // namespace uuid_filelock::test
