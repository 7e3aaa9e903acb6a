// The seam between the portable lock protocol (src/common) and one OS backend
// (src/posix or src/win32; CMake compiles exactly one). Every function is
// noexcept and reports OS failures as std::system_category() codes. Contention
// is a result, never an error: "someone else's file is there" is normal.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "process_identity.hpp"
#include "uuid_filelock/detail/file_handle.hpp"
#include "uuid_filelock/detail/file_identity.hpp"

namespace uuid_filelock::detail {

// Set by name: the defaults are a private file (owner read/write) that is
// neither flushed, nor locked, nor meant to outlive its process, on a
// network filesystem.
struct publish_settings {
  std::filesystem::perms mode =
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
  bool sync_file = false;       // flush the record to storage before publishing it
  bool sync_directory = false;  // flush the directory entry after publishing it
  bool advisory = false;        // hold an advisory lock on the file from before it is visible
  bool persistent = false;      // the file outlives this process (a detached lock)
  bool local = false;  // one kernel serves every user of the lock (else: a network filesystem)
};

class prepared_record;

// Deletes a prepared record's temporary file if it still has one (an
// unpublished one: publication clears temp_path). The one part of
// prepared_record each backend defines.
void discard_temporary(prepared_record& prepared) noexcept;

// A complete record written to a temporary file beside the lock, ready to be
// published. The temporary file never outlives this object.
class prepared_record {
 public:
  prepared_record() noexcept = default;
  ~prepared_record() { discard_temporary(*this); }
  prepared_record(prepared_record&& other) noexcept
      : file(std::move(other.file)),
        temp_path(std::exchange(other.temp_path, {})),
        identity(other.identity),
        advisory_held(other.advisory_held) {}
  prepared_record& operator=(prepared_record&& other) noexcept {
    if (this != &other) {
      discard_temporary(*this);
      file = std::move(other.file);
      temp_path = std::exchange(other.temp_path, {});
      identity = other.identity;
      advisory_held = other.advisory_held;
    }
    return *this;
  }
  prepared_record(const prepared_record&) = delete;
  prepared_record& operator=(const prepared_record&) = delete;

  file_handle file;                 // holds the advisory lock when advisory_held
  std::filesystem::path temp_path;  // empty once published or never created
  file_identity identity;
  bool advisory_held = false;
};

// Writes `record` to a new temporary file in the lock's directory, named after
// `unique_tag` (".uuid-filelock-<tag>.tmp" where it has a name), and
// (settings.advisory) takes an exclusive advisory lock on it. advisory_held
// says whether the filesystem granted one.
prepared_record prepare_record(const std::filesystem::path& lock_path, std::string_view record,
                               std::string_view unique_tag, const publish_settings& settings,
                               std::error_code& ec) noexcept;

// Replaces the prepared record's bytes by `record`, which has the same length
// (a fresher timestamp after a wait).
void rewrite_record(prepared_record& prepared, std::string_view record,
                    const publish_settings& settings, std::error_code& ec) noexcept;

// Rewrites, in place and unchanged, the record of a file we hold open (a
// prepared or a held one), so that the filesystem stamps its modification
// time, and returns that stamp: the filesystem's own clock, which on a
// network filesystem is the server's. A held lock's heartbeat is such a
// rewrite; a contender measures a record's age against the stamp of its own
// prepared record, never against its own clock, so hosts' clocks need not
// agree.
std::chrono::system_clock::time_point stamp_record(const file_handle& file, std::string_view record,
                                                   std::error_code& ec) noexcept;

// stamp_record for the lock we hold (a heartbeat): through `held` where the
// backend keeps it open; where it does not (POSIX on a network filesystem,
// see publish_prepared), by reopening the lock path and rewriting it only if
// it holds exactly `record`, which only our file does (its UUID is fresh).
std::chrono::system_clock::time_point stamp_held_record(const std::filesystem::path& lock_path,
                                                        const file_handle& held,
                                                        std::string_view record,
                                                        std::error_code& ec) noexcept;

enum class publish_outcome { published, already_exists };

// Makes the prepared record appear at `lock_path` atomically and exclusively:
// nobody ever sees the file empty or half written, and it never replaces an
// existing entry of any type (file, directory, symlink, FIFO). On `published`
// `prepared.identity` names the file now at the lock path and prepared.file
// stays open (keeping the advisory lock), except on a network filesystem
// where the backend may close it; on `already_exists` the prepared
// record stays ready for another try. On error no file of this call is left
// at the lock path.
publish_outcome publish_prepared(prepared_record& prepared, const std::filesystem::path& lock_path,
                                 std::string_view record, const publish_settings& settings,
                                 std::error_code& ec) noexcept;

struct lock_file_snapshot {
  bool exists = false;
  std::string bytes;       // at most max_bytes of the file's beginning
  bool truncated = false;  // the file holds more than max_bytes
  file_identity identity;
  std::chrono::system_clock::time_point modified;
  file_handle file;  // open only if read_lock_file was asked to keep it
};

// Reads the lock file without following a symlink and without opening
// anything but a regular file (a FIFO would block, a device may react).
// A missing file is `exists == false`, not an error; a symlink, directory or
// special file at the path is an error. With keep_open the descriptor stays
// in the snapshot, to wait on the holder's advisory lock.
lock_file_snapshot read_lock_file(const std::filesystem::path& lock_path, std::size_t max_bytes,
                                  bool keep_open, std::error_code& ec) noexcept;

// read_lock_file for a file we hold open: checks that the path still names it
// and reads it through our own descriptor (expected_size is what we wrote).
// Two system calls instead of four; only where every reader shares one view
// of the file (local filesystems).
lock_file_snapshot read_own_lock_file(const std::filesystem::path& lock_path,
                                      const file_handle& file, const file_identity& identity,
                                      std::size_t expected_size, std::size_t max_bytes,
                                      std::error_code& ec) noexcept;

// The files named ".uuid-filelock-*<suffix>" in `directory`: with ".tmp" the
// named temporary records (see prepare_record) of live contenders and any a
// killed one left, with ".break" the breakers' markers (break_stale_lock).
// Empty if there are none or the directory cannot be listed.
std::vector<std::filesystem::path> temporary_records(const std::filesystem::path& directory,
                                                     std::string_view suffix) noexcept;

// Whether the path names `identity` right now (false if it names nothing).
bool path_names(const std::filesystem::path& lock_path, const file_identity& identity,
                std::error_code& ec) noexcept;

enum class break_claim {
  claimed,      // this process alone may now remove the stale file
  busy,         // another breaker has it, or its holder still holds its advisory lock
  gone,         // the lock path no longer names the stale file
  unsupported,  // no claim on this filesystem: break_stale_lock uses a marker file
};

// Serialises the breakers of one stale lock file (see break_stale_lock.cpp):
// on POSIX an exclusive advisory lock on the stale file itself, through
// `stale.file` (opened here, and checked to be the stale file, if the
// snapshot was taken without keep_open); it lasts until stale.file closes.
// Windows needs no claim (remove_stale_file can only remove the file it
// opened) and always answers `claimed`.
break_claim claim_stale_file(const std::filesystem::path& lock_path, lock_file_snapshot& stale,
                             std::error_code& ec) noexcept;

// Whether another locking program holds a kernel lock on the judged file
// (POSIX: an exclusive flock, as util-linux flock(1) and Python filelock take,
// or any fcntl record lock, as dpkg and Boost.Interprocess take). Such a
// file may look like an empty or foreign record; its holder lives exactly as
// long as its lock. Opens `judged.file` if it is not open (false if the path
// names another file now). Windows answers false: a program that keeps the
// file open without sharing deletion is found by remove_stale_file instead.
bool held_by_other_locker(const std::filesystem::path& lock_path, lock_file_snapshot& judged,
                          std::error_code& ec) noexcept;

enum class removal {
  removed,   // `expected` was at the lock path and is gone now
  gone,      // nothing was at the lock path
  replaced,  // another file was there; it is (or is put back) at the lock path
  in_use,    // a process holds the file open without sharing deletion (Windows): alive
};

// Removes the file at the lock path if it is exactly `expected`: the same
// file where `local` (identities can be trusted, as long as `expected.file`
// keeps it open: an inode number is reused once its file is gone), else the
// same bytes. The
// check and the removal are one: POSIX moves whatever the path names aside to
// ".uuid-filelock-<unique_tag>.tmp", checks what moved and puts anything else
// back; Windows opens the file, checks it through its handle and renames it
// away through that handle. Needs no free space.
removal remove_stale_file(const std::filesystem::path& lock_path,
                          const lock_file_snapshot& expected, std::string_view unique_tag,
                          bool local, bool sync_directory, std::error_code& ec) noexcept;

// Removes the lock file we hold open as `held`, which the path named when the
// caller last checked; false if the name was gone. The name is free when this
// returns, even while readers still have the file open. `local` says whether
// the file is on a local filesystem; the backend may close `held`.
bool release_lock_file(const std::filesystem::path& lock_path, file_handle& held, bool local,
                       bool sync_directory, std::error_code& ec) noexcept;

enum class advisory_state {
  free,         // nobody holds an advisory lock on the file (we now hold a shared one)
  held,         // someone does
  unsupported,  // this filesystem or build has no advisory locks
};

// Takes a shared advisory lock on an open lock file: it succeeds exactly when
// no holder keeps its exclusive one. With `block`, waits for that.
advisory_state wait_for_advisory_lock(const file_handle& file, bool block,
                                      std::error_code& ec) noexcept;

// Drops the holder's advisory lock. fork()ed children share the open file
// description and with it the lock; close() would leave it held until the
// last of them exits, this frees it for everyone at once.
void drop_advisory_lock(const file_handle& file) noexcept;

// Whether the directory is on a local filesystem: one kernel serves every
// process that can reach it, so its advisory locks exclude them all and a file
// read through any descriptor shows what the path names. False on network and
// FUSE filesystems, whose clients keep their own locks and caches.
bool is_local_filesystem(const std::filesystem::path& directory) noexcept;

}  // namespace uuid_filelock::detail
