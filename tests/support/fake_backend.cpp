#include "fake_backend.hpp"

namespace uuid_filelock::test {

FakeFilesystem& fake_fs() {
  static FakeFilesystem instance;
  return instance;
}

void reset_fake_fs() { fake_fs() = FakeFilesystem{}; }

void FakeFilesystem::put(const std::string& path, std::string bytes) {
  files[path] = FakeFile{std::move(bytes), {1, next_file_id++}};
}

}  // namespace uuid_filelock::test

namespace uuid_filelock::detail {

using test::fake_fs;

publish_outcome publish_exclusive(const std::filesystem::path& lock_path, std::string_view record,
                                  std::string_view, const publish_settings&,
                                  file_identity& published_file, std::error_code& ec) noexcept {
  ++fake_fs().publishes;
  ec = fake_fs().publish_error;
  if (ec) return publish_outcome::already_exists;
  if (fake_fs().files.count(lock_path.string())) return publish_outcome::already_exists;
  fake_fs().put(lock_path.string(), std::string(record));
  published_file = fake_fs().files[lock_path.string()].identity;
  if (fake_fs().after_publish) fake_fs().after_publish(lock_path.string());
  return publish_outcome::published;
}

lock_file_snapshot read_lock_file(const std::filesystem::path& lock_path, std::size_t max_bytes,
                                  std::error_code& ec) noexcept {
  ++fake_fs().reads;
  if (fake_fs().before_read) fake_fs().before_read(lock_path.string());
  ec = fake_fs().read_error;
  lock_file_snapshot snapshot;
  const auto found = fake_fs().files.find(lock_path.string());
  if (ec || found == fake_fs().files.end()) return snapshot;
  snapshot.exists = true;
  snapshot.truncated = found->second.bytes.size() > max_bytes;
  snapshot.bytes = found->second.bytes.substr(0, max_bytes);
  snapshot.identity = found->second.identity;
  return snapshot;
}

bool remove_lock_file(const std::filesystem::path& lock_path, bool, std::error_code& ec) noexcept {
  ++fake_fs().removes;
  ec.clear();
  return fake_fs().files.erase(lock_path.string()) > 0;
}

process_identity current_process() noexcept { return {4242, "fakehost"}; }

}  // namespace uuid_filelock::detail
