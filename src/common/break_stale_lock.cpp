// Breaking a dead holder's lock, race-free.
//
// The classic bug: two contenders see the same dead holder; the first removes
// its file and publishes its own; the second, a moment late, removes "the
// file at the path" -- now the first one's live lock -- and both hold the
// lock. No system call removes a path only if it still names a given file,
// so removals of one stale file are serialised instead: only the holder of
// that file's *break marker* may remove it, and it checks, under the marker,
// that the path still names exactly the stale file.
//
// The marker is itself a UUIDFileLock (on a name derived from the stale
// file), so it gets everything the protocol gives: exclusive
// publication, verification, and, should a breaker die holding it, judgement
// and breaking of the marker by the very same rules, one level up.
//
// Why the removal is safe: while we hold the marker, nobody else removes the
// stale file (every remover holds the marker; the dead holder does nothing),
// and no new file can appear at the path while the stale one is there
// (publication is exclusive). So the file we re-read under the marker is the
// file we unlink. Afterwards the path is free and goes to whoever publishes
// first; exactly one of the contenders wins that.
#include "break_stale_lock.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "filesystem_rules.hpp"
#include "record.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::detail {
namespace {

// How long a crashed breaker's marker on a network filesystem blocks others.
constexpr std::chrono::seconds kMarkerStaleAfter{10};

// FNV-1a: a stable name, not a secret.
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 14695981039346656037ull) {
  for (const char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return hash;
}

// Every breaker of one stale file must pick the same marker. On a local
// filesystem the file's identity names it exactly. Network clients number
// files each their own way (sshfs per mount), so there the name and content
// of the stale file do: every host reads the same bytes.
std::filesystem::path marker_for(const std::filesystem::path& lock_path,
                                 const lock_file_snapshot& stale, bool local) {
  std::uint64_t first = stale.identity.device;
  std::uint64_t second = stale.identity.file_id;
  if (!local) {
    first = fnv1a(lock_path.filename().string());
    second = fnv1a(stale.bytes, first);
  }
  char name[80];
  std::snprintf(name, sizeof name, ".uuid-filelock-%llx-%llx.break",
                static_cast<unsigned long long>(first), static_cast<unsigned long long>(second));
  return lock_path.parent_path() / name;
}

}  // namespace

break_outcome break_stale_lock(const std::filesystem::path& lock_path,
                               const lock_file_snapshot& stale, const options& opts,
                               std::error_code& ec) {
  options marker_options = opts;
  marker_options.timeout.reset();
  marker_options.durability = durability_level::none;
  marker_options.detached = false;  // the marker ends with this call
  marker_options.mode |= std::filesystem::perms::owner_write;
  const bool local = lock_directory_is_local(opts, lock_path);
  if (!local) {
    // A breaker that dies holding the marker is on another host for the
    // others: only a heartbeat lets them take the marker over.
    marker_options.heartbeat = true;
    marker_options.stale_after = kMarkerStaleAfter;
  }
  UUIDFileLock marker(marker_for(lock_path, stale, local), marker_options);
  if (!marker.try_lock(ec)) return break_outcome::breaker_busy;

  // Still the stale file? Identities are compared only where they mean
  // something (see marker_for); the bytes always, and the time: a heartbeat
  // that landed since the holder was judged proves it alive after all.
  break_outcome outcome = break_outcome::gone;
  const lock_file_snapshot now = read_lock_file(lock_path, max_record_bytes, false, ec);
  if (!ec && now.exists && (!local || now.identity == stale.identity) && now.bytes == stale.bytes &&
      now.modified == stale.modified && now.truncated == stale.truncated &&
      !remove_lock_file(lock_path, opts.durability == durability_level::file_and_directory, ec) &&
      !ec && path_names(lock_path, stale.identity, ec)) {
    // Still there after a removal that removed nothing: a process keeps it
    // open without sharing deletion, so its holder lives (Windows).
    outcome = break_outcome::holder_alive;
  }
  std::error_code marker_error;
  marker.release(marker_error);
  return outcome;
}

}  // namespace uuid_filelock::detail
