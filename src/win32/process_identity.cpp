// Who holds a lock, and whether that process still runs.
#include <string>

#include "win32_io.hpp"

namespace uuid_filelock::detail {
namespace {

// NtQuerySystemInformation(SystemTimeOfDayInformation): the kernel's boot
// time, for systems without the BootId registry counter (Wine: the wineserver
// session's start, which is Wine's notion of a boot).
struct time_of_day_information {
  LARGE_INTEGER boot_time;
  LARGE_INTEGER current_time;
  LARGE_INTEGER time_zone_bias;
  ULONG time_zone_id;
  ULONG reserved;
  ULONGLONG boot_time_bias;
  ULONGLONG sleep_time_bias;
};
using nt_query_system_information = long(WINAPI*)(int, void*, ULONG, ULONG*);
constexpr int kSystemTimeOfDayInformation = 3;

std::uint64_t to_u64(const FILETIME& time) {
  return (static_cast<std::uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
}

std::string to_utf8(const wchar_t* text, int length) {
  const int bytes = ::WideCharToMultiByte(CP_UTF8, 0, text, length, nullptr, 0, nullptr, nullptr);
  if (bytes <= 0) return {};
  std::string result(static_cast<std::size_t>(bytes), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, text, length, result.data(), bytes, nullptr, nullptr);
  return result;
}

std::string host_name() {
  wchar_t name[256];
  DWORD length = sizeof name / sizeof name[0];
  if (!::GetComputerNameExW(ComputerNameDnsHostname, name, &length)) return {};
  return to_utf8(name, static_cast<int>(length));
}

// The installation's MachineGuid, Windows' counterpart of /etc/machine-id.
std::string machine_id() {
  wchar_t guid[64];
  DWORD bytes = sizeof guid;
  if (::RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", L"MachineGuid",
                     RRF_RT_REG_SZ | RRF_SUBKEY_WOW6464KEY, nullptr, guid, &bytes) != ERROR_SUCCESS)
    return {};
  return to_utf8(guid, -1).c_str();  // drop the terminating NUL WideCharToMultiByte counts
}

// Changes with every boot: the BootId counter Windows 8 and later keep, else
// the kernel's boot time (minus the clock changes since). Never derived from
// the tick count, which drifts against the clock and would make a live
// holder look like one of another boot.
std::string boot_id() {
  DWORD counter = 0;
  DWORD bytes = sizeof counter;
  if (::RegGetValueW(HKEY_LOCAL_MACHINE,
                     L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Memory "
                     L"Management\\PrefetchParameters",
                     L"BootId", RRF_RT_REG_DWORD, nullptr, &counter, &bytes) == ERROR_SUCCESS)
    return "bootid-" + std::to_string(counter);
  const auto query = reinterpret_cast<nt_query_system_information>(reinterpret_cast<void*>(
      ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation")));
  time_of_day_information info{};
  if (query != nullptr && query(kSystemTimeOfDayInformation, &info, sizeof info, nullptr) >= 0 &&
      info.boot_time.QuadPart != 0) {
    // Setting the clock moves BootTime and accumulates the move in
    // BootTimeBias; their difference stays put for the whole boot.
    return "boottime-" + std::to_string(static_cast<std::uint64_t>(info.boot_time.QuadPart) -
                                        info.boot_time_bias);
  }
  return {};
}

// The executable's file name without its directory and extension.
std::string program_name() {
  wchar_t path[MAX_PATH];
  const DWORD length = ::GetModuleFileNameW(nullptr, path, MAX_PATH);
  if (length == 0 || length >= MAX_PATH) return {};
  return to_utf8(std::filesystem::path(std::wstring(path, length)).stem().c_str(), -1).c_str();
}

std::uint64_t creation_time(HANDLE process) {
  FILETIME created{}, exited{}, kernel{}, user{};
  if (!::GetProcessTimes(process, &created, &exited, &kernel, &user)) return 0;
  return to_u64(created);
}

}  // namespace

std::uint64_t current_pid() noexcept { return ::GetCurrentProcessId(); }

const process_identity& current_process() noexcept {
  // Looked up once per thread, not per attempt; a lookup that failed in
  // part is not kept (see the POSIX backend).
  thread_local process_identity cached;
  thread_local bool cached_complete = false;
  if (!cached_complete) {
    try {
      process_identity self;
      self.pid = current_pid();
      self.start_time = creation_time(::GetCurrentProcess());
      self.host = host_name();
      self.machine_id = machine_id();
      self.boot_id = boot_id();
      self.program = program_name();
      cached_complete = self.start_time != 0 && !self.boot_id.empty();
      cached = std::move(self);
    } catch (...) {
      cached = process_identity{};
      cached.pid = current_pid();
    }
  }
  return cached;
}

std::uint64_t start_time_of(std::uint64_t pid) noexcept {
  if (pid == 0 || pid > 0xFFFFFFFFu) return 0;
  const HANDLE process =
      ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
  if (process == nullptr) return 0;
  const std::uint64_t created = creation_time(process);
  ::CloseHandle(process);
  return created;
}

process_state process_status(std::uint64_t pid, std::uint64_t start_time) noexcept {
  if (pid == 0 || pid > 0xFFFFFFFFu) return process_state::unknown;
  const HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE,
                                       static_cast<DWORD>(pid));
  if (process == nullptr) {
    // No such process. A protected one we may not open (ERROR_ACCESS_DENIED)
    // exists: its lock is never broken on a guess.
    if (::GetLastError() == ERROR_INVALID_PARAMETER) return process_state::gone;
    return ::GetLastError() == ERROR_ACCESS_DENIED ? process_state::running
                                                   : process_state::unknown;
  }
  // An exited process lingers while anyone holds a handle to it; it is gone.
  // A pid reused by another process shows another creation time; a time we
  // cannot read proves nothing.
  const std::uint64_t created = creation_time(process);
  process_state state = process_state::running;
  if (::WaitForSingleObject(process, 0) == WAIT_OBJECT_0) {
    state = process_state::gone;
  } else if (created == 0 || start_time == 0) {
    state = process_state::unknown;
  } else if (created != start_time) {
    state = process_state::gone;
  }
  ::CloseHandle(process);
  return state;
}

}  // namespace uuid_filelock::detail
