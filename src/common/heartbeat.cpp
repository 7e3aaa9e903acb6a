#include "heartbeat.hpp"

namespace uuid_filelock::detail {

heartbeat::heartbeat(std::filesystem::path lock_path, file_handle& file, std::string record,
                     std::chrono::nanoseconds interval)
    : lock_path_(std::move(lock_path)), record_(std::move(record)), interval_(interval) {
  // The thread waits for the mutex, so it sees the file.
  const std::lock_guard<std::mutex> guard(mutex_);
  thread_ = std::thread([this] { run(); });
  file_ = std::move(file);
}

file_handle heartbeat::stop() noexcept {
  if (thread_.joinable()) {
    {
      const std::lock_guard<std::mutex> guard(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  return std::move(file_);
}

void heartbeat::run() {
  std::unique_lock<std::mutex> guard(mutex_);
  // Beats keep to a fixed schedule: a slow rewrite (several round trips on a
  // network filesystem) must not push every later beat back.
  auto next_beat = std::chrono::steady_clock::now() + interval_;
  while (!wake_.wait_until(guard, next_beat, [this] { return stopping_; })) {
    next_beat += interval_;
    // Through our own handle, or by path only after checking the file is
    // ours: if a breaker judged us dead and the path now names someone
    // else's file, that file must not be touched. A failed beat is retried at
    // the next one; if beats keep failing, contenders take the lock over and
    // release() reports it lost. The mutex is not held meanwhile, so stop()
    // need not wait for a beat to start waiting for the thread.
    guard.unlock();
    std::error_code ignored;
    stamp_held_record(lock_path_, file_, record_, ignored);
    guard.lock();
  }
}

}  // namespace uuid_filelock::detail
