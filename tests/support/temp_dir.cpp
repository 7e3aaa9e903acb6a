#include "temp_dir.hpp"

#include <fstream>
#include <random>
#include <stdexcept>

#include "long_path.hpp"
#include "shared_reader.hpp"

namespace uuid_filelock::test {

TempDir::TempDir() {
  std::random_device entropy;
  for (int tries = 0; tries < 100; ++tries) {
    std::filesystem::path candidate = std::filesystem::temp_directory_path() /
                                      ("uuid-filelock-test-" + std::to_string(entropy()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() { remove_tree(path_); }

std::set<std::string> TempDir::entries_of(const std::filesystem::path& directory) {
  return entry_names(directory);
}

std::string read_file(const std::filesystem::path& path) { return SharedReader(path).read_all(); }

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace uuid_filelock::test
