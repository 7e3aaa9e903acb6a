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

}  // namespace

int run_child(const std::vector<std::string>& command, std::error_code& start_error) {
  std::wstring line;
  for (const std::string& arg : command) {
    if (!line.empty()) line.push_back(L' ');
    line += quoted(std::filesystem::u8path(arg).native());
  }
  // Ctrl-C and Ctrl-Break reach every process of the console, the child
  // included; the tool ignores them and lets the child decide.
  ::SetConsoleCtrlHandler(nullptr, TRUE);
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION process{};
  // bInheritHandles passes only handles marked inheritable (the standard
  // ones); the library's lock handles never are.
  if (!::CreateProcessW(nullptr, line.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &startup,
                        &process)) {
    start_error = {static_cast<int>(::GetLastError()), std::system_category()};
    return 0;
  }
  ::CloseHandle(process.hThread);
  ::WaitForSingleObject(process.hProcess, INFINITE);
  DWORD code = 0;
  ::GetExitCodeProcess(process.hProcess, &code);
  ::CloseHandle(process.hProcess);
  return static_cast<int>(code);
}

}  // namespace uuid_filelock::tool
