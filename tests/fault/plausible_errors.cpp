#include "plausible_errors.hpp"

#include <cerrno>
#include <cstring>
#include <map>

namespace uuid_filelock::fault {
namespace {

using errors = std::vector<int>;

errors open_errors(unsigned traits) {
  errors result{EINTR, EIO, EMFILE, ENOMEM, EACCES, ESTALE};
  if ((traits & creates) != 0) result.push_back(ENOSPC);
  if ((traits & (creates | writes)) != 0) {
    result.push_back(EROFS);
    result.push_back(EPERM);  // an immutable file; protected_regular in sticky directories
  }
  // Where O_TMPFILE is missing (older kernels, NFS, FUSE, some tmpfs): the
  // library then falls back to a named temporary file.
  if ((traits & unnamed) != 0) result.push_back(EOPNOTSUPP);
  return result;
}

// Lock requests may run out of lock records; only waiting ones can be
// interrupted. Unlocking cannot fail.
errors lock_errors(unsigned traits) {
  errors result;
  if ((traits & locks) != 0) result.push_back(ENOLCK);
  if ((traits & blocking) != 0) result.push_back(EINTR);
  return result;
}

errors fcntl_errors(unsigned traits) {
  errors result = lock_errors(traits);
  if ((traits & duplicates) != 0) result.push_back(EMFILE);
  return result;
}

// By function, for calls whose errors do not depend on their arguments.
const std::map<std::string, errors>& fixed_errors() {
  static const std::map<std::string, errors> table{
      {"read", {EINTR, EIO, ESTALE}},
      {"pread", {EINTR, EIO, ESTALE}},
      {"write", {EINTR, EIO, ENOSPC, EDQUOT, EPERM}},
      {"pwrite", {EINTR, EIO, ENOSPC, EDQUOT, EPERM}},
      {"fsync", {EINTR, EIO, ENOSPC, EDQUOT, EROFS}},
      {"fdatasync", {EINTR, EIO, ENOSPC, EDQUOT, EROFS}},
      {"fstat", {EIO, ENOMEM, ESTALE}},
      {"lstat", {EIO, ENOMEM, EACCES, ESTALE}},
      {"stat", {EIO, ENOMEM, EACCES, ESTALE}},
      {"fstatat", {EIO, ENOMEM, EACCES, ESTALE}},
      {"statx", {EIO, ENOMEM, EACCES, ESTALE}},
      {"link", {EIO, ENOSPC, ENOMEM, EACCES, EROFS, EPERM, ESTALE}},
      {"linkat", {EIO, ENOSPC, ENOMEM, EACCES, EROFS, EPERM, ESTALE}},
      {"rename", {EIO, ENOSPC, ENOMEM, EACCES, EROFS, EPERM, ESTALE}},
      {"renameat", {EIO, ENOSPC, ENOMEM, EACCES, EROFS, EPERM, ESTALE}},
      {"renameat2", {EIO, ENOSPC, ENOMEM, EACCES, EROFS, EPERM, ESTALE}},
      {"unlink", {EIO, ENOMEM, EACCES, EROFS, EPERM, ESTALE}},
      {"unlinkat", {EIO, ENOMEM, EACCES, EROFS, EPERM, ESTALE}},
      // NFS reports a failed write-back at close.
      {"close", {EINTR, EIO, ENOSPC}},
      {"getrandom", {EINTR, ENOSYS}},
      {"getentropy", {EIO, ENOSYS}},
      {"readlink", {EIO, ENOMEM, EACCES}},
      {"statfs", {EINTR, EIO, ENOMEM, EACCES, ESTALE}},
      {"fstatfs", {EINTR, EIO, ENOMEM, ESTALE}},
      {"opendir", {EIO, EMFILE, ENOMEM, EACCES, ESTALE}},
      {"readdir", {EIO, ESTALE}},
      {"closedir", {}},
      {"access", {EIO, ENOMEM, EACCES}},
      {"fchmod", {EIO, EPERM, EROFS}},
      {"getcwd", {ENOMEM, EACCES}},
      {"nanosleep", {EINTR}},
      {"gethostname", {}},
      // kill(pid, 0) answers the question asked: ESRCH (no such process) and
      // EPERM (another user's) are answers, never faults.
      {"kill", {}},
  };
  return table;
}

}  // namespace

std::vector<int> plausible_errors(const recorded_call& call) {
  if (call.function == "open" || call.function == "openat") return open_errors(call.traits);
  if (call.function == "flock") return lock_errors(call.traits);
  if (call.function == "fcntl") return fcntl_errors(call.traits);
  const auto found = fixed_errors().find(call.function);
  return found == fixed_errors().end() ? errors{} : found->second;
}

std::string errno_name(int error) {
  // strerrorname_np needs glibc 2.32; the table is short.
  static const std::map<int, const char*> names{
      {EINTR, "EINTR"},   {EIO, "EIO"},       {ENOSPC, "ENOSPC"},        {EMFILE, "EMFILE"},
      {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"}, {EROFS, "EROFS"},          {ESTALE, "ESTALE"},
      {EPERM, "EPERM"},   {EDQUOT, "EDQUOT"}, {ENOLCK, "ENOLCK"},        {ENOSYS, "ENOSYS"},
      {ENOENT, "ENOENT"}, {EEXIST, "EEXIST"}, {EOPNOTSUPP, "EOPNOTSUPP"}};
  const auto found = names.find(error);
  return found == names.end() ? "errno " + std::to_string(error) : found->second;
}

}  // namespace uuid_filelock::fault
