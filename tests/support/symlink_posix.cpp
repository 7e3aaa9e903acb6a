#include "symlink.hpp"

namespace uuid_filelock::test {

std::string make_file_symlink(const std::filesystem::path& target,
                              const std::filesystem::path& link) {
  std::error_code ec;
  std::filesystem::create_symlink(target, link, ec);
  return ec ? "symlink(): " + ec.message() : "";
}

bool is_symlink(const std::filesystem::path& path) { return std::filesystem::is_symlink(path); }

}  // namespace uuid_filelock::test
