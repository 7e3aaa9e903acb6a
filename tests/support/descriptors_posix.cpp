#include "descriptors.hpp"

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>

namespace uuid_filelock::test {

int descriptors_referring_to(const std::filesystem::path& file) {
  struct stat target {};
  if (::lstat(file.c_str(), &target) != 0) return -1;
  // Descriptors are numbered below the soft limit; a huge limit (containers
  // often allow a million) is capped, as nothing here opens that many.
  rlimit limit{};
  rlim_t highest = 1024;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    highest = std::min<rlim_t>(limit.rlim_cur, 65536);
  }
  int count = 0;
  for (int fd = 0; static_cast<rlim_t>(fd) < highest; ++fd) {
    struct stat open {};
    if (::fstat(fd, &open) == 0 && open.st_dev == target.st_dev && open.st_ino == target.st_ino) {
      ++count;
    }
  }
  return count;
}

}  // namespace uuid_filelock::test
