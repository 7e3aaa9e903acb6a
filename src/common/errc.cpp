#include "uuid_filelock/errc.hpp"

#include <string>

namespace uuid_filelock {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "uuid_filelock"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::timeout:
        return "timed out waiting for the lock";
      case errc::lock_lost:
        return "the lock file was removed or replaced by someone else";
      case errc::not_held:
        return "the lock is not held by this object";
      case errc::not_a_regular_file:
        return "the lock path is not a regular file";
      case errc::not_a_lock_file:
        return "the lock path is not a lock file";
    }
    return "unknown uuid_filelock error";
  }

  std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<errc>(value)) {
      case errc::timeout:
        return std::errc::timed_out;
      case errc::not_held:
        return std::errc::operation_not_permitted;
      default:
        return {value, *this};
    }
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace uuid_filelock
