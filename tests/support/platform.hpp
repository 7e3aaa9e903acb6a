// Which OS the tests run on, for the few expectations that differ by design
// (and the skips that say why); OS-specific code lives in *_posix.cpp and
// *_win32.cpp files instead.
#pragma once

namespace uuid_filelock::test {

#ifdef _WIN32
inline constexpr bool kWindows = true;
#else
inline constexpr bool kWindows = false;
#endif

}  // namespace uuid_filelock::test
