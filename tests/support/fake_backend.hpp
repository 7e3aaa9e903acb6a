// An in-memory backend for protocol tests, linked in place of src/posix: it
// lets a test script what a weak filesystem, a rival or a dead holder does
// between the protocol's steps, and inject errors, without any timing luck.
// It has no advisory locks (those are tested on the real backend).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <system_error>

#include "../../src/common/backend.hpp"

namespace uuid_filelock::test {

struct FakeFile {
  std::string bytes;
  detail::file_identity identity;
  std::chrono::system_clock::time_point modified;
};

struct FakeFilesystem {
  std::map<std::string, FakeFile> files;  // published entries by path
  std::map<std::string, FakeFile> temps;  // prepared records by temp path
  std::uint64_t next_file_id = 1;

  // Called after each successful publish, before the protocol looks again.
  std::function<void(const std::string& path)> after_publish;
  // Called at the start of each read_lock_file.
  std::function<void(const std::string& path)> before_read;
  // Called before each removal of a published file.
  std::function<void(const std::string& path)> before_remove;

  // A local filesystem (one kernel: file identities can be trusted) or, by
  // default, a network one (only the UUID can).
  bool local = false;

  std::error_code publish_error;  // returned by publish_prepared when set
  std::error_code read_error;     // returned by read_lock_file when set,
  int read_error_count = -1;      // by this many reads (-1: every one)
  // How far the file server's clock is ahead of this host's: the fake stamps
  // files with its clock (stamp_record, publish).
  std::chrono::nanoseconds server_clock_ahead{0};
  std::chrono::system_clock::time_point server_now() const {
    return std::chrono::system_clock::now() +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(server_clock_ahead);
  }
  int stamps = 0;               // calls of stamp_record
  std::error_code stamp_error;  // returned by stamp_record when set
  int publishes = 0;
  int reads = 0;
  int removes = 0;

  detail::process_identity self{4242,       77,        "fakehost", "fakemachine",
                                "fakeboot", "pid:[1]", "fakeprog"};
  std::map<std::uint64_t, detail::process_state> processes;  // others: gone unless listed
  // Paths whose file another locking program (flock(1), fcntl) holds a
  // kernel lock on: held_by_other_locker says so.
  std::set<std::string> kernel_locked;

  // Puts a file at `path` the way a rival would: a new identity each time.
  void put(const std::string& path, std::string bytes,
           std::chrono::system_clock::time_point modified = std::chrono::system_clock::now());
};

// The one fake filesystem the fake backend works on; reset by each test.
FakeFilesystem& fake_fs();
void reset_fake_fs();

}  // namespace uuid_filelock::test
