#include "heartbeat_watch.hpp"

namespace uuid_filelock::detail {

bool heartbeat_watch::unchanged_for(const lock_file_snapshot& seen, bool local,
                                    std::chrono::nanoseconds limit) {
  const auto now = std::chrono::steady_clock::now();
  const bool same = watching_ && (!local || seen.identity == identity_) && seen.bytes == bytes_ &&
                    seen.modified == modified_;
  if (!same) {
    watching_ = true;
    identity_ = seen.identity;
    bytes_ = seen.bytes;
    modified_ = seen.modified;
    since_ = now;
  }
  return now - since_ >= limit;
}

}  // namespace uuid_filelock::detail
