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

// Built with ThreadSanitizer (the tsan preset), whose runtime cannot follow
// every trick a test plays with threads and processes.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif
#else
inline constexpr bool kThreadSanitizer = false;
#endif

}  // namespace uuid_filelock::test
