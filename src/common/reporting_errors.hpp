// The noexcept entry points run their work through this: allocation failures
// and entropy failures become error codes instead of std::terminate.
#pragma once

#include <new>
#include <system_error>

namespace uuid_filelock::detail {

// Runs `step`; if it throws, records why in `ec` and returns `failed`.
template <class F, class R>
R reporting_errors(std::error_code& ec, F&& step, R failed) noexcept {
  try {
    return step();
  } catch (const std::system_error& e) {
    ec = e.code();
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
  }
  return failed;
}

}  // namespace uuid_filelock::detail
