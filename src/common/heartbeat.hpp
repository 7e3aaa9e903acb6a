// A held lock's heartbeat: a background thread that refreshes the lock
// file's modification time, so that other hosts, which cannot ask our
// process whether it lives, can tell a live holder from a crashed one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "backend.hpp"

namespace uuid_filelock::detail {

class heartbeat {
 public:
  // Rewrites `record` into the held lock file (`file`, or by path where the
  // backend keeps none open: see stamp_held_record) every `interval`. The
  // heartbeat owns the file while it runs; if no thread can be started, the
  // file stays with the caller.
  heartbeat(std::filesystem::path lock_path, file_handle& file, std::string record,
            std::chrono::nanoseconds interval);
  ~heartbeat() { stop(); }
  heartbeat(const heartbeat&) = delete;
  heartbeat& operator=(const heartbeat&) = delete;

  // Ends the thread and hands the file back.
  file_handle stop() noexcept;

  // In a fork()ed child, which has no copy of the thread: hands the file
  // back without touching the thread or its mutex, both the parent's.
  file_handle take_file_in_child() noexcept { return std::move(file_); }

  const std::string& record() const noexcept { return record_; }

 private:
  void run();

  const std::filesystem::path lock_path_;
  file_handle file_;
  const std::string record_;
  const std::chrono::nanoseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace uuid_filelock::detail
