#include "holder_status.hpp"

namespace uuid_filelock::detail {

lock_status holder_status(const holder_record& record, lock_state state,
                          std::chrono::nanoseconds age) {
  lock_status status;
  status.state = state;
  status.uuid = record.uuid;
  status.age = age;
  // Only our own format describes its holder; a UUID-only record (the
  // original Python library's) names nobody.
  if (record.type != holder_record::kind::full) return status;
  status.pid = record.holder.pid;
  status.host = record.holder.host;
  status.acquired_at = record.acquired_at;
  status.detached = record.detached;
  if (record.companion.pid != 0) status.companion_pid = record.companion.pid;
  status.description = record.description;
  return status;
}

}  // namespace uuid_filelock::detail
