#include "shared_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace uuid_filelock::test {

struct SharedReader::Native {
  int fd = -1;
};

SharedReader::SharedReader(const std::filesystem::path& path)
    : native_(std::make_unique<Native>()) {
  native_->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
}

SharedReader::~SharedReader() {
  if (native_->fd >= 0) ::close(native_->fd);
}

bool SharedReader::is_open() const { return native_->fd >= 0; }

std::string SharedReader::read_all() const {
  std::string bytes;
  char buffer[65536];
  for (off_t at = 0;;) {
    const ssize_t got = ::pread(native_->fd, buffer, sizeof buffer, at);
    if (got <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(got));
    at += got;
  }
  return bytes;
}

FileId SharedReader::id() const {
  struct stat st {};
  if (::fstat(native_->fd, &st) != 0) return {};
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace uuid_filelock::test
