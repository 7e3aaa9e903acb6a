// Telling a stopped heartbeat from a clock step. A heartbeating holder is
// judged by its record's age, and an age is the difference of two wall-clock
// readings (the file's stamp, and now), which a clock step (NTP, a VM
// resumed, someone's `date -s`) falsifies by the whole step. What no step can
// fool is watching: a live holder rewrites its record every third of its
// limit, so a record seen unchanged (same file, bytes and stamp) for a whole
// limit on this process's steady clock has lost its holder.
#pragma once

#include <chrono>
#include <string>

#include "backend.hpp"

namespace uuid_filelock::detail {

class heartbeat_watch {
 public:
  // Whether `seen` has stayed exactly as it is for at least `limit` since
  // this watch first saw it so. Any change (a beat, another holder) starts
  // the watch afresh. `local`: file identities can be trusted (else the
  // bytes and stamp alone tell one record from another).
  bool unchanged_for(const lock_file_snapshot& seen, bool local, std::chrono::nanoseconds limit);

 private:
  bool watching_ = false;
  file_identity identity_;
  std::string bytes_;
  std::chrono::system_clock::time_point modified_;
  std::chrono::steady_clock::time_point since_;
};

}  // namespace uuid_filelock::detail
