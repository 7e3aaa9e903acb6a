#include <windows.h>

#include <filesystem>

#include "child.hpp"

namespace uuid_filelock::tool {
namespace {

// One argument quoted for CommandLineToArgvW and the C runtime: backslashes
// are literal except before a quote, where they are doubled.
std::wstring quoted(const std::wstring& arg) {
  if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) return arg;
  std::wstring out = L"\"";
  std::size_t backslashes = 0;
  for (wchar_t c : arg) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    out.append(c == L'"' ? backslashes * 2 + 1 : backslashes, L'\\');
    backslashes = 0;
    out.push_back(c);
  }
  out.append(backslashes * 2, L'\\');
  out.push_back(L'"');
  return out;
}

// A job that kills its processes when its last handle closes, that is when
// the tool dies. On Windows the lock file is deleted with its holder's
// handle (see the backend), so a command that outlived a killed tool would
// run without the lock: it dies with the tool instead, its own children
// with it. nullptr where jobs are unavailable (a job that forbids nesting,
// on Windows 7).
HANDLE kill_on_close_job() {
  HANDLE job = ::CreateJobObjectW(nullptr, nullptr);
  if (job == nullptr) return nullptr;
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!::SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits)) {
    ::CloseHandle(job);
    return nullptr;
  }
  return job;
}

}  // namespace

std::vector<std::string> shell_command(const std::string&) { return {}; }

struct paused_child::native_handles {
  HANDLE process = nullptr;
  HANDLE thread = nullptr;  // suspended until run()
  HANDLE job = nullptr;     // kill-on-close
};

paused_child::paused_child(const std::vector<std::string>& command, std::error_code& start_error)
    : native_(std::make_unique<native_handles>()) {
  std::wstring line;
  for (const std::string& arg : command) {
    if (!line.empty()) line.push_back(L' ');
    line += quoted(std::filesystem::u8path(arg).native());
  }
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION process{};
  // bInheritHandles passes only handles marked inheritable (the standard
  // ones); the library's lock handles never are.
  if (!::CreateProcessW(nullptr, line.data(), nullptr, nullptr, TRUE, CREATE_SUSPENDED, nullptr,
                        nullptr, &startup, &process)) {
    start_error = {static_cast<int>(::GetLastError()), std::system_category()};
    return;
  }
  native_->process = process.hProcess;
  native_->thread = process.hThread;
  pid_ = process.dwProcessId;
  native_->job = kill_on_close_job();
  if (native_->job != nullptr && !::AssignProcessToJobObject(native_->job, process.hProcess)) {
    ::CloseHandle(native_->job);
    native_->job = nullptr;
  }
}

paused_child::~paused_child() {
  if (native_->process != nullptr && !ran_) {
    ::TerminateProcess(native_->process, 127);
    ::WaitForSingleObject(native_->process, INFINITE);
  }
  for (const HANDLE handle : {native_->process, native_->thread, native_->job})
    if (handle != nullptr) ::CloseHandle(handle);
}

int paused_child::run(std::error_code& start_error) {
  ran_ = true;
  // Ctrl-C and Ctrl-Break reach every process of the console, the child
  // included; the tool ignores them and lets the child decide.
  ::SetConsoleCtrlHandler(nullptr, TRUE);
  if (::ResumeThread(native_->thread) == static_cast<DWORD>(-1)) {
    start_error = {static_cast<int>(::GetLastError()), std::system_category()};
    ::TerminateProcess(native_->process, 127);
    return 0;
  }
  ::WaitForSingleObject(native_->process, INFINITE);
  DWORD code = 0;
  ::GetExitCodeProcess(native_->process, &code);
  return static_cast<int>(code);
}

}  // namespace uuid_filelock::tool
