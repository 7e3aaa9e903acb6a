#include "fake_backend.hpp"

#include <utility>

namespace uuid_filelock::test {

FakeFilesystem& fake_fs() {
  static FakeFilesystem instance;
  return instance;
}

void reset_fake_fs() { fake_fs() = FakeFilesystem{}; }

void FakeFilesystem::put(const std::string& path, std::string bytes,
                         std::chrono::system_clock::time_point modified) {
  files[path] = FakeFile{std::move(bytes), {1, next_file_id++}, modified};
}

}  // namespace uuid_filelock::test

namespace uuid_filelock::detail {

using test::fake_fs;

void file_handle::close() noexcept { native_ = invalid; }

void discard_temporary(prepared_record& prepared) noexcept {
  fake_fs().temps.erase(prepared.temp_path.string());
  prepared.temp_path.clear();
}

prepared_record prepare_record(const std::filesystem::path& lock_path, std::string_view record,
                               std::string_view unique_tag, const publish_settings&,
                               std::error_code& ec) noexcept {
  ec.clear();
  prepared_record prepared;
  prepared.temp_path = lock_path.parent_path() / (".tmp-" + std::string(unique_tag));
  prepared.identity = {1, fake_fs().next_file_id++};
  // The handle names the file by its id (see stamp_record).
  prepared.file = file_handle(static_cast<std::intptr_t>(prepared.identity.file_id));
  fake_fs().temps[prepared.temp_path.string()] =
      test::FakeFile{std::string(record), prepared.identity, fake_fs().server_now()};
  return prepared;
}

void rewrite_record(prepared_record& prepared, std::string_view record, const publish_settings&,
                    std::error_code& ec) noexcept {
  ec.clear();
  fake_fs().temps.at(prepared.temp_path.string()).bytes = std::string(record);
}

std::chrono::system_clock::time_point stamp_record(const file_handle& file, std::string_view record,
                                                   std::error_code& ec) noexcept {
  ++fake_fs().stamps;
  ec = fake_fs().stamp_error;
  if (ec) return {};
  const auto now = fake_fs().server_now();
  for (auto* files : {&fake_fs().files, &fake_fs().temps}) {
    for (auto& [path, f] : *files) {
      if (f.identity.file_id != static_cast<std::uint64_t>(file.native())) continue;
      f.bytes = std::string(record);
      f.modified = now;
    }
  }
  return now;
}

std::chrono::system_clock::time_point stamp_held_record(const std::filesystem::path&,
                                                        const file_handle& held,
                                                        std::string_view record,
                                                        std::error_code& ec) noexcept {
  return stamp_record(held, record, ec);
}

publish_outcome publish_prepared(prepared_record& prepared, const std::filesystem::path& lock_path,
                                 std::string_view, const publish_settings&,
                                 std::error_code& ec) noexcept {
  ++fake_fs().publishes;
  ec = fake_fs().publish_error;
  if (ec) return publish_outcome::already_exists;
  if (fake_fs().files.count(lock_path.string())) return publish_outcome::already_exists;
  auto temp = fake_fs().temps.extract(prepared.temp_path.string());
  temp.mapped().modified = fake_fs().server_now();
  fake_fs().files[lock_path.string()] = std::move(temp.mapped());
  prepared.temp_path.clear();
  if (fake_fs().after_publish) fake_fs().after_publish(lock_path.string());
  return publish_outcome::published;
}

lock_file_snapshot read_lock_file(const std::filesystem::path& lock_path, std::size_t max_bytes,
                                  bool, std::error_code& ec) noexcept {
  ++fake_fs().reads;
  if (fake_fs().before_read) fake_fs().before_read(lock_path.string());
  ec = fake_fs().read_error_count != 0 ? fake_fs().read_error : std::error_code();
  if (ec && fake_fs().read_error_count > 0) --fake_fs().read_error_count;
  lock_file_snapshot snapshot;
  const auto found = fake_fs().files.find(lock_path.string());
  if (ec || found == fake_fs().files.end()) return snapshot;
  snapshot.exists = true;
  snapshot.truncated = found->second.bytes.size() > max_bytes;
  snapshot.bytes = found->second.bytes.substr(0, max_bytes);
  snapshot.identity = found->second.identity;
  snapshot.modified = found->second.modified;
  return snapshot;
}

// Its temporaries all belong to live objects: sweeping is tested on real
// mounts (tests/network), where killed contenders leave theirs.
std::vector<std::filesystem::path> temporary_records(const std::filesystem::path&,
                                                     std::string_view) noexcept {
  return {};
}

bool path_names(const std::filesystem::path& lock_path, const file_identity& identity,
                std::error_code& ec) noexcept {
  ec.clear();
  const auto found = fake_fs().files.find(lock_path.string());
  return found != fake_fs().files.end() && found->second.identity == identity;
}

// Like a network filesystem (and any without advisory locks), the fake has
// no claim: breakers serialise on a marker file.
break_claim claim_stale_file(const std::filesystem::path&, lock_file_snapshot&,
                             std::error_code& ec) noexcept {
  ec.clear();
  return break_claim::unsupported;
}

bool held_by_other_locker(const std::filesystem::path& lock_path, lock_file_snapshot&,
                          std::error_code& ec) noexcept {
  ec.clear();
  return fake_fs().kernel_locked.count(lock_path.string()) != 0;
}

removal remove_stale_file(const std::filesystem::path& lock_path,
                          const lock_file_snapshot& expected, std::string_view, bool local, bool,
                          std::error_code& ec) noexcept {
  ec.clear();
  if (fake_fs().before_remove) fake_fs().before_remove(lock_path.string());
  const auto found = fake_fs().files.find(lock_path.string());
  if (found == fake_fs().files.end()) return removal::gone;
  const bool same =
      local ? found->second.identity == expected.identity : found->second.bytes == expected.bytes;
  if (!same) return removal::replaced;
  ++fake_fs().removes;
  fake_fs().files.erase(found);
  return removal::removed;
}

bool release_lock_file(const std::filesystem::path& lock_path, file_handle&, bool, bool,
                       std::error_code& ec) noexcept {
  ++fake_fs().removes;
  if (fake_fs().before_remove) fake_fs().before_remove(lock_path.string());
  ec.clear();
  return fake_fs().files.erase(lock_path.string()) > 0;
}

void drop_advisory_lock(const file_handle&) noexcept {}

advisory_state wait_for_advisory_lock(const file_handle&, bool, std::error_code& ec) noexcept {
  ec.clear();
  return advisory_state::unsupported;
}

bool is_local_filesystem(const std::filesystem::path&) noexcept { return fake_fs().local; }

lock_file_snapshot read_own_lock_file(const std::filesystem::path& lock_path, const file_handle&,
                                      const file_identity&, std::size_t, std::size_t max_bytes,
                                      std::error_code& ec) noexcept {
  return read_lock_file(lock_path, max_bytes, false, ec);
}

const process_identity& current_process() noexcept { return fake_fs().self; }

std::uint64_t current_pid() noexcept { return fake_fs().self.pid; }

std::uint64_t start_time_of(std::uint64_t pid) noexcept { return pid == 0 ? 0 : 99; }

process_state process_status(std::uint64_t pid, std::uint64_t) noexcept {
  if (pid == fake_fs().self.pid) return process_state::running;
  const auto found = fake_fs().processes.find(pid);
  return found == fake_fs().processes.end() ? process_state::gone : found->second;
}

}  // namespace uuid_filelock::detail
