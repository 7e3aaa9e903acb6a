// A fresh directory per test, removed with everything in it afterwards.
#pragma once

#include <filesystem>
#include <set>
#include <string>

namespace uuid_filelock::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Names (UTF-8) of the entries in the directory, to prove nothing was left
  // behind.
  std::set<std::string> entries() const { return entries_of(path_); }
  static std::set<std::string> entries_of(const std::filesystem::path& directory);

 private:
  std::filesystem::path path_;
};

// Reads as another program may while the file is a held lock (SharedReader);
// "" if it cannot be opened.
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& bytes);

}  // namespace uuid_filelock::test
