#pragma once

#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "backend.hpp"
#include "record.hpp"

namespace uuid_filelock::detail {

// Reads the lock file at the path (read_lock_file). A network client may fail
// such a read with EIO while another client is rewriting the file (rclone
// does, for milliseconds): on a network filesystem a few short retries tell
// that from a server that keeps failing, which is then reported.
inline lock_file_snapshot read_lock_path(const std::filesystem::path& lock_path, bool local,
                                         bool keep_open, std::error_code& ec) {
  constexpr int kNetworkRetries = 5;
  for (int attempt = 0;; ++attempt) {
    lock_file_snapshot snapshot = read_lock_file(lock_path, max_record_bytes, keep_open, ec);
    if (local || ec != std::errc::io_error || attempt == kNetworkRetries) return snapshot;
    std::this_thread::sleep_for(std::chrono::milliseconds(10) * (attempt + 1));
  }
}

// Rereads a lock file we published and hold open, to check it is still ours.
// On a local filesystem our own descriptor shows what the path shows; on a
// network filesystem only a fresh open() revalidates against the server
// (close-to-open consistency), so the file is opened afresh there.
inline lock_file_snapshot read_back(const std::filesystem::path& lock_path, bool local,
                                    const file_handle& file, const file_identity& identity,
                                    std::size_t record_size, std::error_code& ec) {
  return local ? read_own_lock_file(lock_path, file, identity, record_size, max_record_bytes, ec)
               : read_lock_path(lock_path, false, false, ec);
}

}  // namespace uuid_filelock::detail
