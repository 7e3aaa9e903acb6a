// The whole "judge the holder" path on the in-memory fake backend: a lock
// file with any bytes and any modification time, its holder's process in any
// state, any of the options that change the verdict; then a status check
// (inspect_lock) and a contender's single attempt (try_lock), as a watchdog
// and a waiter would. Besides no crash and no undefined behaviour:
// - a file that is no lock file, or larger than any record, is never changed;
// - a won attempt leaves our record at the lock path; a lost one changes
//   nothing (nobody else acts here, so there is no race to lose);
// - the status and the attempt agree on whether the holder is dead;
// - nothing is left behind: no temporary record, no break marker.
//
// Input: a header of kHeaderBytes (see scenario_of), then the file's bytes.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../src/common/record.hpp"
#include "../tests/support/fake_backend.hpp"
#include "fuzz_check.hpp"
#include "uuid_filelock/inspect.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace {

using namespace std::chrono_literals;
using uuid_filelock::detail::holder_record;
using uuid_filelock::detail::process_state;
using uuid_filelock::test::fake_fs;

// flags, limits, holder state, identity, mtime offset (8), padding (2), fill.
constexpr std::size_t kHeaderBytes = 15;
// At most this much of the file comes from the input as it is; padding
// (byte 0, bit 6) makes larger files of a few bytes of input.
constexpr std::size_t kMaxFileBytes = 5200;
// Modification times up to this far (about 146 years) either side of the
// server's clock: a file's time can be set to anything, and ages near the
// clock's range must saturate, never overflow.
constexpr std::int64_t kExtremeOffsetNs = std::int64_t{1} << 62;

struct scenario {
  uuid_filelock::options opts;
  bool local = false;  // how the fake filesystem classifies itself
  std::chrono::nanoseconds server_clock_ahead{0};
  std::chrono::nanoseconds mtime_offset{0};  // from the server's clock
  std::uint8_t holder_state = 0;             // running, gone, unknown, or unlisted
  std::uint8_t identity = 0;                 // how our own identity differs from the fake's
  std::string bytes;
};

// Byte 0: bit 0 local filesystem, bit 1 options.advisory, bit 2 detached,
// bit 3 heartbeat, bits 4-5 options.filesystem, bit 6 pad the file.
// Byte 1: bits 0-1 stale_after (none, 1 s, 1 h), bits 2-3 unreadable_grace
// (0, 1 s, 10 s, 1 h), bits 4-5 the server's clock (even, 1 h ahead, behind).
// Byte 2: the record's pid is running, gone, unknown, or not listed.
// Byte 3: our identity (see apply_identity). Bytes 4-11: the modification
// time's offset in ns, little-endian, clamped to +/-2^62. Bytes 12-13: the
// padding's length (mod 5001), byte 14 its byte. Missing bytes are zero.
scenario scenario_of(const std::uint8_t* data, std::size_t size) {
  std::uint8_t header[kHeaderBytes] = {};
  std::memcpy(header, data, std::min(size, kHeaderBytes));
  scenario s;
  s.opts.retry_interval = 1us;
  s.opts.verify_delay = 0ns;
  s.local = (header[0] & 1) != 0;
  s.opts.advisory = (header[0] & 2) != 0;
  s.opts.detached = (header[0] & 4) != 0;
  s.opts.heartbeat = (header[0] & 8) != 0;
  constexpr uuid_filelock::filesystem_kind kinds[] = {
      uuid_filelock::filesystem_kind::automatic, uuid_filelock::filesystem_kind::local,
      uuid_filelock::filesystem_kind::network, uuid_filelock::filesystem_kind::automatic};
  s.opts.filesystem = kinds[(header[0] >> 4) & 3];
  constexpr std::optional<std::chrono::nanoseconds> stale_afters[] = {std::nullopt, 1s, 1h,
                                                                      std::nullopt};
  s.opts.stale_after = stale_afters[header[1] & 3];
  constexpr std::chrono::nanoseconds graces[] = {0s, 1s, 10s, 1h};
  s.opts.unreadable_grace = graces[(header[1] >> 2) & 3];
  constexpr std::chrono::nanoseconds clocks[] = {0h, 1h, -1h, 0h};
  s.server_clock_ahead = clocks[(header[1] >> 4) & 3];
  s.holder_state = header[2] & 3;
  s.identity = header[3];
  std::uint64_t raw = 0;
  for (int i = 7; i >= 0; --i) raw = (raw << 8) | header[4 + i];
  s.mtime_offset = std::chrono::nanoseconds(
      std::clamp(static_cast<std::int64_t>(raw), -kExtremeOffsetNs, kExtremeOffsetNs));
  if (size > kHeaderBytes)
    s.bytes.assign(reinterpret_cast<const char*>(data) + kHeaderBytes,
                   std::min(size - kHeaderBytes, kMaxFileBytes));
  if (header[0] & 64) {
    const std::size_t padding = (header[12] | std::size_t{header[13]} << 8) % 5001;
    s.bytes.append(padding, static_cast<char>(header[14]));
  }
  return s;
}

// Our own identity, as far from or as close to the record's holder as the
// input says: the holder may be ourselves, or on this host in an earlier boot.
void apply_identity(std::uint8_t identity, const holder_record& record) {
  uuid_filelock::detail::process_identity& self = fake_fs().self;
  if (identity & 1) self.boot_id.clear();
  if (identity & 2) self.pid_namespace = "pid:[2]";
  if (identity & 4) self.machine_id.clear();
  if (identity & 8) self.host = "otherhost";
  if ((identity & 16) && record.holder.pid != 0) self.pid = record.holder.pid;
}

void list_holder(std::uint8_t state, const holder_record& record) {
  constexpr process_state states[] = {process_state::running, process_state::gone,
                                      process_state::unknown};
  if (state < 3) fake_fs().processes[record.holder.pid] = states[state];
}

bool starts_a_uuid(std::string_view s) {
  for (std::size_t i = 0; i < s.size() && i < 36; ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash_position ? c != '-' : !hex) return false;
  }
  return true;
}

// What may be a lock file: empty, a prefix of a canonical UUID line (a
// record being written in place), or a file whose first line is a canonical
// UUID (trailing whitespace aside). Anything else is somebody's data.
bool lock_shaped(std::string_view bytes) {
  if (bytes.size() <= 36) return starts_a_uuid(bytes);
  if (!starts_a_uuid(bytes)) return false;
  const std::string_view rest = bytes.substr(36, bytes.find('\n', 36) - 36);
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
  });
}

bool within(std::chrono::nanoseconds a, std::chrono::nanoseconds b, std::chrono::nanoseconds d) {
  return a > b ? a - b < d : b - a < d;
}

// Whether an age lies so close to a limit that the moments between the status
// check and the attempt could carry it across: then the two may disagree.
bool near_a_limit(const scenario& s, const holder_record& record) {
  std::vector<std::chrono::nanoseconds> limits{s.opts.unreadable_grace};
  if (s.opts.stale_after) limits.push_back(*s.opts.stale_after);
  if (record.heartbeat) {
    limits.push_back(*record.heartbeat);
    limits.push_back(
        std::max<std::chrono::nanoseconds>(*record.heartbeat, s.opts.stale_after.value_or(0ns)));
  }
  // The age by the server's clock (network filesystems) and by ours (local).
  for (const std::chrono::nanoseconds age :
       {std::chrono::abs(s.mtime_offset),
        std::chrono::abs(s.mtime_offset + s.server_clock_ahead)}) {
    for (const std::chrono::nanoseconds limit : limits) {
      if (within(age, limit, 1s)) return true;
    }
  }
  return false;
}

bool same_file(const uuid_filelock::test::FakeFile& a, const uuid_filelock::test::FakeFile& b) {
  return a.bytes == b.bytes && a.identity == b.identity && a.modified == b.modified;
}

const std::string& lock_path() {
  static const std::string path = std::filesystem::absolute("/fake/app.lock").string();
  return path;
}

// The lock file is still exactly the one the input put there, and nothing else
// is: no temporary record, no break marker.
bool untouched(const uuid_filelock::test::FakeFile& before) {
  const auto found = fake_fs().files.find(lock_path());
  return found != fake_fs().files.end() && same_file(found->second, before) &&
         fake_fs().files.size() == 1 && fake_fs().temps.empty();
}

// Sets the fake filesystem up as the input says: the lock file, its holder's
// process, our identity. Returns the file as put there.
uuid_filelock::test::FakeFile set_up(const scenario& s, const holder_record& record) {
  uuid_filelock::test::reset_fake_fs();
  fake_fs().local = s.local;
  fake_fs().server_clock_ahead = s.server_clock_ahead;
  apply_identity(s.identity, record);
  list_holder(s.holder_state, record);
  using file_clock = std::chrono::system_clock;
  fake_fs().put(
      lock_path(), s.bytes,
      fake_fs().server_now() + std::chrono::duration_cast<file_clock::duration>(s.mtime_offset));
  return fake_fs().files.at(lock_path());
}

// One attempt of a contender. A heartbeat without a limit fit for it is
// refused before anything is looked at; a lock file is no error, whoever
// holds it, and is never changed by an attempt that fails.
bool attempt(const scenario& s, const uuid_filelock::test::FakeFile& before, bool must_stay,
             std::error_code& ec) {
  uuid_filelock::UUIDFileLock lock(lock_path(), s.opts);
  const bool acquired = lock.try_lock(ec);
  const bool bad_heartbeat =
      s.opts.heartbeat && (s.opts.detached || s.opts.stale_after.value_or(0ns) <
                                                  uuid_filelock::min_heartbeat_stale_after);
  if (bad_heartbeat) {
    FUZZ_REQUIRE(!acquired && ec == std::errc::invalid_argument);
  } else if (!must_stay) {
    FUZZ_REQUIRE(!ec);
  }
  if (!acquired) {
    FUZZ_REQUIRE(!lock.owns_lock() && lock.token().empty());
    FUZZ_REQUIRE(untouched(before));
    return false;
  }
  // Won: the lock path holds our record, and release removes it.
  FUZZ_REQUIRE(!must_stay && !ec && lock.owns_lock());
  const auto held = fake_fs().files.find(lock_path());
  FUZZ_REQUIRE(held != fake_fs().files.end());
  const holder_record ours = uuid_filelock::detail::parse_record(held->second.bytes, false);
  FUZZ_REQUIRE(ours.type == holder_record::kind::full && ours.uuid == lock.token());
  FUZZ_REQUIRE(ours.detached == s.opts.detached);
  std::error_code release_error;
  lock.release(release_error);
  FUZZ_REQUIRE(!release_error && fake_fs().files.empty());
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const scenario s = scenario_of(data, size);
  const holder_record record = uuid_filelock::detail::parse_record(
      std::string_view(s.bytes).substr(0, uuid_filelock::detail::max_record_bytes),
      s.bytes.size() > uuid_filelock::detail::max_record_bytes);
  const uuid_filelock::test::FakeFile before = set_up(s, record);
  // Only a lock record may ever be removed, and none is larger than 4 KiB.
  const bool must_stay =
      !lock_shaped(s.bytes) || s.bytes.size() > uuid_filelock::detail::max_record_bytes;

  // A status check changes nothing, and a lock file there is never "free".
  std::error_code status_error;
  const uuid_filelock::lock_status status =
      uuid_filelock::inspect_lock(lock_path(), s.opts, status_error);
  FUZZ_REQUIRE(untouched(before));
  if (!must_stay) FUZZ_REQUIRE(!status_error);
  if (!status_error) FUZZ_REQUIRE(status.state != uuid_filelock::lock_state::free);

  std::error_code lock_error;
  const bool acquired = attempt(s, before, must_stay, lock_error);
  // Judged by the same rules, the two agree: stale is what an attempt breaks.
  // But for a heartbeat overdue by the clocks: status judges it on its one
  // reading, an attempt only once it has watched it unchanged for its limit.
  if (!status_error && !lock_error && !near_a_limit(s, record)) {
    if (record.heartbeat)
      FUZZ_REQUIRE(!acquired || status.state == uuid_filelock::lock_state::stale);
    else
      FUZZ_REQUIRE(acquired == (status.state == uuid_filelock::lock_state::stale));
  }
  // Nothing is left behind once the lock object is gone.
  FUZZ_REQUIRE(fake_fs().temps.empty() && fake_fs().files.size() <= 1);
  uuid_filelock::test::reset_fake_fs();
  return 0;
}
