// The fault tests can only fail calls that pass through the wrappers. This
// test keeps it so: every function the library calls from outside itself
// must be wrapped (syscall_faults.cpp) or be known to make no fallible
// system call (the list below). A new call (say unlinkat(), or a fortified
// __pread_chk) fails this test until it is wrapped or listed.
#include <gtest/gtest.h>

#include <stdio.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "syscall_faults.hpp"

namespace uuid_filelock::fault {
namespace {

// Functions of the C library that make no call a test could fail: strings,
// characters, numbers and their mathematics, errno, getpid() (which cannot
// fail), and sysconf() (constants such as _SC_CLK_TCK; whatever it reads, it
// reads through the C library's internal calls, which no wrapper can reach
// anyway).
const std::set<std::string>& functions_without_io() {
  static const std::set<std::string> names{
      // Memory and strings.
      "memchr", "memcmp", "memcpy", "memmove", "memset", "strchr", "strcmp", "strlen", "strncmp",
      // Characters, parsing and formatting.
      "__isoc99_sscanf", "iscntrl", "isdigit", "isspace", "isxdigit", "snprintf", "sscanf",
      "strtol", "strtoll", "strtoul", "strtoull", "tolower", "toupper", "vsnprintf",
      // Mathematics.
      "exp", "expl", "ldexpl", "log", "logl", "nextafter", "nextafterl", "pow", "powl",
      // The process itself.
      "__errno_location", "__tls_get_addr", "abort", "getpid", "sysconf",
      // The program's name, a variable glibc sets before main().
      "program_invocation_short_name"};
  return names;
}

// Symbols of the C++ runtime, the toolchain and the sanitizers, not C
// library calls.
bool is_runtime_symbol(const std::string& name) {
  static const char* const prefixes[] = {
      // C++ and its runtime.
      "_Z", "__cxa_", "__gxx_", "_Unwind_", "__dso_handle", "_ITM_",
      // The toolchain.
      "__stack_chk_", "_GLOBAL_OFFSET_TABLE_", "__gmon_start__", "__gcov_", "__llvm_",
      // Threads' synchronisation.
      "pthread_", "__pthread_",
      // Sanitizers.
      "__asan_", "__ubsan_", "__lsan_", "__tsan_", "__msan_", "__sanitizer_", "__sancov_"};
  return std::any_of(std::begin(prefixes), std::end(prefixes),
                     [&](const char* prefix) { return name.rfind(prefix, 0) == 0; });
}

// The library's undefined symbols, by nm, without symbol versions.
std::set<std::string> undefined_symbols_of_library() {
  const std::string command = std::string("'") + UUID_FILELOCK_FAULT_NM + "' -u --format=posix '" +
                              UUID_FILELOCK_FAULT_LIBRARY + "' 2>/dev/null";
  std::set<std::string> names;
  FILE* listing = ::popen(command.c_str(), "r");
  if (listing == nullptr) return names;
  char line[1024];
  while (std::fgets(line, sizeof line, listing) != nullptr) {
    // "name U" for an undefined symbol; archive members appear as
    // "lib.a[member.o]:", with no type.
    std::istringstream fields(line);
    std::string name, type;
    fields >> name >> type;
    if (type == "U") names.insert(name.substr(0, name.find('@')));
  }
  ::pclose(listing);
  return names;
}

TEST(WrappedCalls, EveryCallOfTheLibraryPassesThroughAWrapper) {
  if (std::string(UUID_FILELOCK_FAULT_NM).empty()) GTEST_SKIP() << "no nm in this toolchain";
  const std::set<std::string> undefined = undefined_symbols_of_library();
  ASSERT_FALSE(undefined.empty()) << "nm listed nothing for " << UUID_FILELOCK_FAULT_LIBRARY;
  const std::vector<std::string>& wrapped = wrapped_functions();
  for (const std::string& name : undefined) {
    if (is_runtime_symbol(name) || functions_without_io().count(name) != 0) continue;
    EXPECT_TRUE(std::find(wrapped.begin(), wrapped.end(), name) != wrapped.end())
        << "the library calls " << name
        << "(), which the fault tests neither wrap (tests/fault/syscall_faults.cpp) nor know "
           "to be free of I/O (functions_without_io)";
  }
}

}  // namespace
}  // namespace uuid_filelock::fault
