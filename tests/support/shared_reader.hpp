// The lock file as another program sees it while it is held: opened for
// reading only, sharing reading, writing and deletion (on Windows a holder's
// file cannot be opened otherwise: its handle has DELETE access).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace uuid_filelock::test {

// Which file: st_dev/st_ino on POSIX, volume serial/file index on Windows.
struct FileId {
  std::uint64_t device = 0;
  std::uint64_t index = 0;
  friend bool operator==(const FileId& a, const FileId& b) {
    return a.device == b.device && a.index == b.index;
  }
};

class SharedReader {
 public:
  explicit SharedReader(const std::filesystem::path& path);
  ~SharedReader();
  SharedReader(const SharedReader&) = delete;
  SharedReader& operator=(const SharedReader&) = delete;

  bool is_open() const;
  // The whole file from its start, read through this open file ("" if not open).
  std::string read_all() const;
  FileId id() const;

 private:
  struct Native;
  std::unique_ptr<Native> native_;
};

}  // namespace uuid_filelock::test
