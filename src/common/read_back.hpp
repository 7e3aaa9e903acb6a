#pragma once

#include <filesystem>
#include <system_error>

#include "backend.hpp"
#include "record.hpp"

namespace uuid_filelock::detail {

// Rereads a lock file we published and hold open, to check it is still ours.
// On a local filesystem our own descriptor shows what the path shows; on a
// network filesystem only a fresh open() revalidates against the server
// (close-to-open consistency), so the file is opened afresh there.
inline lock_file_snapshot read_back(const std::filesystem::path& lock_path, bool local,
                                    const file_handle& file, const file_identity& identity,
                                    std::size_t record_size, std::error_code& ec) {
  return local ? read_own_lock_file(lock_path, file, identity, record_size, max_record_bytes, ec)
               : read_lock_file(lock_path, max_record_bytes, false, ec);
}

}  // namespace uuid_filelock::detail
