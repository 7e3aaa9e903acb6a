#include "child_process.hpp"

#include <windows.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace uuid_filelock::test {
namespace {

// The exit code terminate() gives: no worker exits with it, so wait() can
// tell a terminated child from one that exited.
constexpr UINT kTerminateExitCode = 0xDEAD;

std::wstring widen(const std::string& utf8) {
  if (utf8.empty()) return {};
  const int size =
      ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring wide(static_cast<std::size_t>(size), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), size);
  return wide;
}

// Quoted so that the child's CommandLineToArgvW (the C runtime's argv) gets
// `arg` back unchanged: backslashes double only before a quote.
void append_argument(std::wstring& line, const std::wstring& arg) {
  if (!line.empty()) line += L' ';
  if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
    line += arg;
    return;
  }
  line += L'"';
  for (auto it = arg.begin();; ++it) {
    std::size_t backslashes = 0;
    while (it != arg.end() && *it == L'\\') {
      ++it;
      ++backslashes;
    }
    if (it == arg.end()) {
      line.append(backslashes * 2, L'\\');
      break;
    }
    line.append(*it == L'"' ? backslashes * 2 + 1 : backslashes, L'\\');
    line += *it;
  }
  line += L'"';
}

// An inheritable handle exists only between its creation and the
// CreateProcessW that hands it over: spawns are serialised, so no child
// inherits another child's pipe end (which would keep it from seeing EOF).
std::mutex& spawn_mutex() {
  static std::mutex mutex;
  return mutex;
}

HANDLE inheritable_copy(HANDLE handle) {
  HANDLE copy = nullptr;
  if (handle == nullptr || handle == INVALID_HANDLE_VALUE ||
      !::DuplicateHandle(::GetCurrentProcess(), handle, ::GetCurrentProcess(), &copy, 0, TRUE,
                         DUPLICATE_SAME_ACCESS)) {
    return nullptr;
  }
  return copy;
}

void close_handle(HANDLE& handle) {
  if (handle != nullptr && handle != INVALID_HANDLE_VALUE) ::CloseHandle(handle);
  handle = nullptr;
}

// A pipe whose end for the child is inheritable and whose end for us is not.
void make_pipe(HANDLE& read_end, HANDLE& write_end, bool child_reads) {
  SECURITY_ATTRIBUTES inherit{sizeof inherit, nullptr, TRUE};
  if (!::CreatePipe(&read_end, &write_end, &inherit, 0)) throw std::runtime_error("CreatePipe");
  ::SetHandleInformation(child_reads ? write_end : read_end, HANDLE_FLAG_INHERIT, 0);
}

// A file handle the next child inherits; nullptr if it cannot be opened.
// Shared like a reader of a held lock file: nothing the test does meanwhile
// is refused.
HANDLE open_inheritable(const std::wstring& path, DWORD access, DWORD disposition) {
  SECURITY_ATTRIBUTES inherit{sizeof inherit, nullptr, TRUE};
  const HANDLE handle =
      ::CreateFileW(path.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    &inherit, disposition, FILE_ATTRIBUTE_NORMAL, nullptr);
  return handle == INVALID_HANDLE_VALUE ? nullptr : handle;
}

// Called with spawn_mutex() held; closes the child's ends in `startup`.
PROCESS_INFORMATION start_process(const std::vector<std::string>& args, STARTUPINFOW& startup) {
  std::wstring command_line;
  for (const std::string& arg : args) append_argument(command_line, widen(arg));
  const std::wstring application = widen(args.at(0));
  PROCESS_INFORMATION info{};
  BOOL started = FALSE;
  DWORD error = 0;
  // Wine now and then fails a process start under load with
  // ERROR_INTERNAL_ERROR (seen in about one full Wine run in ten): a fault
  // of the emulation, not of the code under test, so it is tried again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    started = ::CreateProcessW(application.c_str(), command_line.data(), nullptr, nullptr,
                               /*bInheritHandles=*/TRUE, 0, nullptr, nullptr, &startup, &info);
    error = ::GetLastError();
    if (started || error != ERROR_INTERNAL_ERROR) break;
    ::Sleep(50);
  }
  close_handle(startup.hStdInput);
  close_handle(startup.hStdOutput);
  close_handle(startup.hStdError);
  if (!started) {
    throw std::runtime_error("CreateProcessW " + args[0] + ": error " + std::to_string(error));
  }
  close_handle(info.hThread);
  return info;
}

}  // namespace

struct ChildProcess::Native {
  PROCESS_INFORMATION info{};
  HANDLE stdin_write = nullptr;
  HANDLE stdout_read = nullptr;
  bool reaped = false;
};

ChildProcess::ChildProcess(std::vector<std::string> args, bool pipe_stdin, bool pipe_stdout)
    : native_(std::make_unique<Native>()) {
  const std::lock_guard<std::mutex> serialised(spawn_mutex());
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  if (pipe_stdin) {
    make_pipe(startup.hStdInput, native_->stdin_write, /*child_reads=*/true);
  } else {
    startup.hStdInput = inheritable_copy(::GetStdHandle(STD_INPUT_HANDLE));
  }
  if (pipe_stdout) {
    make_pipe(native_->stdout_read, startup.hStdOutput, /*child_reads=*/false);
  } else {
    startup.hStdOutput = inheritable_copy(::GetStdHandle(STD_OUTPUT_HANDLE));
  }
  // The worker's diagnostics land in the test's output.
  startup.hStdError = inheritable_copy(::GetStdHandle(STD_ERROR_HANDLE));
  try {
    native_->info = start_process(args, startup);
  } catch (...) {
    close_handle(native_->stdin_write);
    close_handle(native_->stdout_read);
    throw;
  }
}

ChildProcess::ChildProcess(std::vector<std::string> args, const OutputFiles& files)
    : native_(std::make_unique<Native>()) {
  const std::lock_guard<std::mutex> serialised(spawn_mutex());
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = open_inheritable(L"NUL", GENERIC_READ, OPEN_EXISTING);
  startup.hStdOutput = open_inheritable(files.out.wstring(), GENERIC_WRITE, CREATE_ALWAYS);
  startup.hStdError = open_inheritable(files.err.wstring(), GENERIC_WRITE, CREATE_ALWAYS);
  if (startup.hStdOutput == nullptr || startup.hStdError == nullptr) {
    close_handle(startup.hStdInput);
    close_handle(startup.hStdOutput);
    close_handle(startup.hStdError);
    throw std::runtime_error("cannot create " + files.out.u8string() + " or " +
                             files.err.u8string());
  }
  native_->info = start_process(args, startup);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept = default;

ChildProcess::~ChildProcess() {
  if (!native_) return;  // moved from
  if (!native_->reaped) {
    terminate();
    wait();
  }
  close_stdin();
  close_handle(native_->stdout_read);
  close_handle(native_->info.hProcess);
}

process_id ChildProcess::pid() const { return native_->info.dwProcessId; }

std::string ChildProcess::read_line() {
  std::string line;
  char c = 0;
  DWORD got = 0;
  while (::ReadFile(native_->stdout_read, &c, 1, &got, nullptr) && got == 1 && c != '\n') {
    line.push_back(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();  // the child's text mode
  return line;
}

void ChildProcess::close_stdin() { close_handle(native_->stdin_write); }

void ChildProcess::terminate() { ::TerminateProcess(native_->info.hProcess, kTerminateExitCode); }

int ChildProcess::wait() {
  ::WaitForSingleObject(native_->info.hProcess, INFINITE);
  native_->reaped = true;
  DWORD code = 0;
  if (!::GetExitCodeProcess(native_->info.hProcess, &code)) return -1000;
  return code == kTerminateExitCode ? kTerminated : static_cast<int>(code);
}

std::string sibling_program(const std::string& built_path) {
  std::wstring self(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length =
        ::GetModuleFileNameW(nullptr, self.data(), static_cast<DWORD>(self.size()));
    if (length == 0) throw std::runtime_error("GetModuleFileNameW");
    if (length < self.size()) {
      self.resize(length);
      break;
    }
    self.resize(self.size() * 2);
  }
  return (std::filesystem::path(self).parent_path() /
          std::filesystem::u8path(built_path).filename())
      .u8string();
}

}  // namespace uuid_filelock::test
