// Local filesystems have one kernel behind them, so advisory locks exclude
// every process that can reach the lock file. On NFS, SMB, FUSE (sshfs,
// rclone...), 9P, Ceph, Lustre, AFS and the like, locks are kept per client or
// not at all: a free lock there proves nothing about a holder on another host,
// so the protocol polls, rereads files afresh and judges records instead.
#include "../common/backend.hpp"

#if defined(__linux__)
#include <sys/vfs.h>
#else
#include <sys/mount.h>
#include <sys/param.h>
#endif

namespace uuid_filelock::detail {

bool is_local_filesystem(const std::filesystem::path& directory) noexcept {
  struct statfs fs {};
  const std::filesystem::path where = directory.empty() ? "." : directory;
  if (::statfs(where.c_str(), &fs) != 0) return false;
#if defined(__linux__)
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x6969:      // NFS
    case 0x517B:      // SMB
    case 0xFF534D42:  // CIFS
    case 0xFE534D42:  // SMB2
    case 0x65735546:  // FUSE
    case 0x01021997:  // 9P (also WSL and VM shared folders)
    case 0x00C36400:  // Ceph
    case 0x0BD00BD0:  // Lustre
    case 0x5346414F:  // AFS
    case 0x6B414653:  // kAFS
    case 0x73757245:  // Coda
    case 0x01161970:  // GFS2
    case 0x7461636F:  // OCFS2
    case 0x564C:      // NCP
      return false;
    default:
      return true;
  }
#else
  return (fs.f_flags & MNT_LOCAL) != 0;
#endif
}

}  // namespace uuid_filelock::detail
