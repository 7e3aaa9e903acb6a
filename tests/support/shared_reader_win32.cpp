#include "shared_reader.hpp"

#include <windows.h>

namespace uuid_filelock::test {

struct SharedReader::Native {
  HANDLE file = INVALID_HANDLE_VALUE;
};

SharedReader::SharedReader(const std::filesystem::path& path)
    : native_(std::make_unique<Native>()) {
  // FILE_FLAG_OPEN_REPARSE_POINT: a symlink is looked at, never followed.
  native_->file = ::CreateFileW(path.c_str(), GENERIC_READ,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
}

SharedReader::~SharedReader() {
  if (native_->file != INVALID_HANDLE_VALUE) ::CloseHandle(native_->file);
}

bool SharedReader::is_open() const { return native_->file != INVALID_HANDLE_VALUE; }

std::string SharedReader::read_all() const {
  std::string bytes;
  if (!is_open()) return bytes;
  char buffer[65536];
  for (std::uint64_t at = 0;;) {
    OVERLAPPED offset{};
    offset.Offset = static_cast<DWORD>(at);
    offset.OffsetHigh = static_cast<DWORD>(at >> 32);
    DWORD got = 0;
    if (!::ReadFile(native_->file, buffer, sizeof buffer, &got, &offset) || got == 0) break;
    bytes.append(buffer, got);
    at += got;
  }
  return bytes;
}

FileId SharedReader::id() const {
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(native_->file, &info)) return {};
  return {info.dwVolumeSerialNumber,
          (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow};
}

}  // namespace uuid_filelock::test
