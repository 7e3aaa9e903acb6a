#pragma once

#include <cstdint>

namespace uuid_filelock::detail {

// An open file (a descriptor or HANDLE, kept as an integer so that no OS
// header is needed here), closed with its owner, and with it any advisory
// lock taken through it. Defined by the backend.
class file_handle {
 public:
  file_handle() noexcept = default;
  explicit file_handle(std::intptr_t native) noexcept : native_(native) {}
  ~file_handle() { close(); }
  file_handle(file_handle&& other) noexcept : native_(other.native_) { other.native_ = invalid; }
  file_handle& operator=(file_handle&& other) noexcept {
    if (this != &other) {
      close();
      native_ = other.native_;
      other.native_ = invalid;
    }
    return *this;
  }
  file_handle(const file_handle&) = delete;
  file_handle& operator=(const file_handle&) = delete;

  std::intptr_t native() const noexcept { return native_; }
  bool is_open() const noexcept { return native_ != invalid; }
  void close() noexcept;  // the one OS call, defined by the backend

  static constexpr std::intptr_t invalid = -1;

 private:
  std::intptr_t native_ = invalid;
};

}  // namespace uuid_filelock::detail
