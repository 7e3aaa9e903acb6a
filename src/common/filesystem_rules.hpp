// What the kind of filesystem under a lock changes: whether advisory locks
// and file identities can be trusted, and how long to wait before verifying.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>

#include "backend.hpp"
#include "liveness.hpp"
#include "uuid_filelock/options.hpp"

namespace uuid_filelock::detail {

// Whether every user of the lock directory is served by this host's kernel,
// as the user said or else by the filesystem type.
inline bool lock_directory_is_local(const options& opts, const std::filesystem::path& lock_path) {
  switch (opts.filesystem) {
    case filesystem_kind::local:
      return true;
    case filesystem_kind::network:
      return false;
    case filesystem_kind::automatic:
      break;
  }
  return is_local_filesystem(lock_path.parent_path());
}

// On a local filesystem exclusive creation is atomic for everyone; on a
// network one another client's create may also "win" and surface later.
inline std::chrono::nanoseconds verify_delay_for(const options& opts, bool local) {
  if (opts.verify_delay) return *opts.verify_delay;
  return local ? std::chrono::nanoseconds::zero() : std::chrono::nanoseconds(network_verify_delay);
}

// The filesystem's clock: the stamp the file server puts on a rewrite of
// `file`, a prepared record of ours holding `record`. Empty where nothing can
// be rewritten (a read-only mount, a FUSE client that cannot write in place,
// such as rclone without its write cache): this host's clock is no
// substitute, since it may run ahead of the server's or behind it.
inline std::optional<std::chrono::system_clock::time_point> filesystem_clock(
    const file_handle& file, std::string_view record) {
  std::error_code ec;
  const std::chrono::system_clock::time_point stamp = stamp_record(file, record, ec);
  if (ec) return std::nullopt;
  return stamp;
}

// The age of a record modified at `modified`, by the filesystem's clock.
// An age that cannot be measured counts as none: a holder is never judged
// dead on a guess.
inline std::chrono::nanoseconds age_by_filesystem_clock(
    std::chrono::system_clock::time_point modified,
    const std::optional<std::chrono::system_clock::time_point>& now) {
  return now ? age_of(modified, *now) : std::chrono::nanoseconds::zero();
}

}  // namespace uuid_filelock::detail
