#include <windows.h>
// tlhelp32.h needs windows.h first.
#include <tlhelp32.h>

#include "parent_process.hpp"

namespace uuid_filelock::tool {

// Windows keeps no parent link but the id a process was started with, which
// the process snapshot reports.
std::uint64_t parent_process_id() {
  const HANDLE snapshot = ::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return 0;
  const DWORD self = ::GetCurrentProcessId();
  std::uint64_t parent = 0;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = ::Process32FirstW(snapshot, &entry); more;
       more = ::Process32NextW(snapshot, &entry)) {
    if (entry.th32ProcessID == self) {
      parent = entry.th32ParentProcessID;
      break;
    }
  }
  ::CloseHandle(snapshot);
  return parent;
}

}  // namespace uuid_filelock::tool
