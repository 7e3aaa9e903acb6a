#include "retry_pause.hpp"

#include <random>

namespace uuid_filelock::detail {

std::chrono::nanoseconds jittered(std::chrono::nanoseconds interval) {
  thread_local std::minstd_rand engine{std::random_device{}()};
  std::uniform_real_distribution<long double> factor(0.8L, 1.2L);
  const long double ns = static_cast<long double>(interval.count()) * factor(engine);
  const auto max = static_cast<long double>(std::chrono::nanoseconds::max().count());
  return std::chrono::nanoseconds(ns >= max ? std::chrono::nanoseconds::max().count()
                                            : static_cast<std::chrono::nanoseconds::rep>(ns));
}

}  // namespace uuid_filelock::detail
