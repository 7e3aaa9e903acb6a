#include "outliving_child.hpp"

#include <windows.h>

#include <stdexcept>

namespace uuid_filelock::test {

std::uint64_t start_outliving_child(const std::string& kind) {
  if (kind != "exec") throw std::invalid_argument("no child of kind " + kind + " on Windows");
  wchar_t self[32768];
  const DWORD length = ::GetModuleFileNameW(nullptr, self, sizeof self / sizeof self[0]);
  if (length == 0 || length >= sizeof self / sizeof self[0]) {
    throw std::runtime_error("GetModuleFileNameW");
  }
  std::wstring command_line = L"\"" + std::wstring(self, length) + L"\" sleep 600";
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION info{};
  if (!::CreateProcessW(self, command_line.data(), nullptr, nullptr, /*bInheritHandles=*/TRUE, 0,
                        nullptr, nullptr, &startup, &info)) {
    throw std::runtime_error("CreateProcessW: error " + std::to_string(::GetLastError()));
  }
  ::CloseHandle(info.hThread);
  ::CloseHandle(info.hProcess);
  return info.dwProcessId;
}

}  // namespace uuid_filelock::test
