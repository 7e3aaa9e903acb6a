#include "holder_registry.hpp"

#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace uuid_filelock::detail {
namespace {

struct holder {
  std::uint64_t pid;
  std::thread::id thread;
};

struct registry {
  std::mutex mutex;
  std::map<std::pair<std::uint64_t, std::uint64_t>, holder> files;
};

registry& instance() {
  static registry r;
  return r;
}

std::pair<std::uint64_t, std::uint64_t> key(const file_identity& file) {
  return {file.device, file.file_id};
}

}  // namespace

void register_holder(const file_identity& file, std::uint64_t pid) {
  const std::lock_guard<std::mutex> guard(instance().mutex);
  instance().files[key(file)] = holder{pid, std::this_thread::get_id()};
}

void unregister_holder(const file_identity& file) noexcept {
  const std::lock_guard<std::mutex> guard(instance().mutex);
  instance().files.erase(key(file));
}

bool held_by_this_thread(const file_identity& file, std::uint64_t pid) {
  const std::lock_guard<std::mutex> guard(instance().mutex);
  const auto found = instance().files.find(key(file));
  return found != instance().files.end() && found->second.pid == pid &&
         found->second.thread == std::this_thread::get_id();
}

}  // namespace uuid_filelock::detail
