// Breaking a dead holder's lock, race-free.
//
// The classic bug: two contenders see the same dead holder; the first removes
// its file and publishes its own; the second, a moment late, removes "the
// file at the path" -- now the first one's live lock -- and both hold the
// lock. Two defences close it:
//
// 1. Breakers of one stale file take turns. Each first claims the file
//    (claim_stale_file: on POSIX an exclusive flock on the stale file's own
//    inode, which nobody can plant beforehand, needs no space and dies with
//    its process) and, holding the claim, checks that the lock path still
//    names exactly the stale file, with the same bytes and time (a heartbeat
//    that landed since it was judged proves its holder alive). The first
//    breaker removes it; every later one finds the path naming something
//    else and competes for the lock afresh. Where no claim can be had (a
//    network filesystem, whose advisory locks do not reach other hosts), an
//    empty marker file published exclusively beside the lock serves instead.
//    A marker is never judged by the rules of the lock it guards, so nothing
//    recurses: an empty marker older than kMarkerStaleAfter was left by a
//    breaker that died, and is removed; anything else at a marker's name is
//    left alone and only makes breakers wait (see the threat model in
//    docs/protocol.md).
//
// 2. The removal checks what it removes (remove_stale_file): the file is moved
//    aside atomically and checked there, and anything but the stale file goes
//    back. This closes the window a co-user could use who owns the stale file
//    (having forged it): removing it between the breaker's check and its
//    removal, so that a victim's new lock file would be removed in its place.
#include "break_stale_lock.hpp"

#include <cstdint>
#include <cstdio>
#include <string_view>

#include "liveness.hpp"
#include "record.hpp"
#include "token.hpp"

namespace uuid_filelock::detail {
namespace {

// How long a breaker that died may keep its marker (a break takes a few
// round trips to the file server).
constexpr std::chrono::seconds kMarkerStaleAfter{10};

// FNV-1a: a stable name, not a secret.
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 14695981039346656037ull) {
  for (const char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return hash;
}

}  // namespace

std::filesystem::path break_marker_path(const std::filesystem::path& lock_path,
                                        const lock_file_snapshot& stale) {
  const std::uint64_t first = fnv1a(lock_path.filename().string());
  const std::uint64_t second = fnv1a(stale.bytes, first);
  char name[80];
  std::snprintf(name, sizeof name, ".uuid-filelock-%llx-%llx.break",
                static_cast<unsigned long long>(first), static_cast<unsigned long long>(second));
  return lock_path.parent_path() / name;
}

bool is_abandoned_marker(const lock_file_snapshot& seen,
                         const filesystem_clock_reader& filesystem_now) {
  if (!seen.exists || !seen.bytes.empty() || seen.truncated) return false;
  const auto now = filesystem_now();
  return now && age_of(seen.modified, *now) >= kMarkerStaleAfter;
}

namespace {

// Whether the lock path still holds exactly the file judged stale.
bool unchanged(const lock_file_snapshot& now, const lock_file_snapshot& stale, bool local) {
  return now.exists && (!local || now.identity == stale.identity) && now.bytes == stale.bytes &&
         now.modified == stale.modified && now.truncated == stale.truncated;
}

// The marker: an empty file, published like a record (so exclusively, and
// needing no space for content), removed exactly by remove_stale_file.
class break_marker {
 public:
  break_marker(std::filesystem::path path, const break_setting& setting)
      : path_(std::move(path)), setting_(setting) {}
  break_marker(const break_marker&) = delete;
  break_marker& operator=(const break_marker&) = delete;
  ~break_marker() {
    if (!taken_) return;
    std::error_code ignored;
    remove_stale_file(path_, mine_, new_token(), setting_.local, false, ignored);
  }

  // True if this breaker now has the marker. Otherwise it clears a marker
  // that a dead breaker left, for the next attempt.
  bool take(std::error_code& ec) {
    // An empty, private marker, never locked: its existence is the claim.
    publish_settings settings;
    settings.local = setting_.local;
    prepared_record prepared = prepare_record(path_, {}, new_token(), settings, ec);
    if (ec) return false;
    taken_ = publish_prepared(prepared, path_, {}, settings, ec) == publish_outcome::published;
    mine_.identity = prepared.identity;
    if (ec || taken_) return taken_;
    clear_if_abandoned(ec);
    return false;
  }

 private:
  void clear_if_abandoned(std::error_code& ec) {
    // A FIFO, directory or symlink at the marker's name (planted) is not an
    // error of the lock: it is left alone, like any marker not yet old.
    std::error_code not_a_marker;
    const lock_file_snapshot seen = read_lock_file(path_, 1, false, not_a_marker);
    if (not_a_marker || !is_abandoned_marker(seen, setting_.filesystem_now)) return;
    remove_stale_file(path_, seen, new_token(), setting_.local, false, ec);
  }

  std::filesystem::path path_;
  const break_setting& setting_;
  lock_file_snapshot mine_;
  bool taken_ = false;
};

break_outcome remove_if_unchanged(const std::filesystem::path& lock_path,
                                  const lock_file_snapshot& stale, const break_setting& setting,
                                  std::error_code& ec) {
  const lock_file_snapshot now = read_lock_file(lock_path, max_record_bytes, false, ec);
  if (ec || !unchanged(now, stale, setting.local)) return break_outcome::gone;
  const removal removed =
      remove_stale_file(lock_path, stale, new_token(), setting.local, setting.sync_directory, ec);
  return removed == removal::in_use ? break_outcome::holder_alive : break_outcome::gone;
}

}  // namespace

break_outcome break_stale_lock(const std::filesystem::path& lock_path, lock_file_snapshot& stale,
                               const break_setting& setting, std::error_code& ec) {
  if (setting.forced) return remove_if_unchanged(lock_path, stale, setting, ec);
  const break_claim claim =
      setting.local ? claim_stale_file(lock_path, stale, ec) : break_claim::unsupported;
  if (ec) return break_outcome::gone;
  switch (claim) {
    case break_claim::claimed:
      return remove_if_unchanged(lock_path, stale, setting, ec);
    case break_claim::busy:
      return break_outcome::breaker_busy;
    case break_claim::gone:
      return break_outcome::gone;
    case break_claim::unsupported:
      break;
  }
  break_marker marker(break_marker_path(lock_path, stale), setting);
  if (!marker.take(ec)) return ec ? break_outcome::gone : break_outcome::breaker_busy;
  return remove_if_unchanged(lock_path, stale, setting, ec);
}

}  // namespace uuid_filelock::detail
