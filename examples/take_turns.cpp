// Several copies of this program take turns on one lock file:
//   take_turns LOCKFILE [ROUNDS=3] [HOLD_MS=200]
// Start a few at once (scripts/demo.sh does) and watch them hand the lock on:
// no two "holds" lines ever overlap with a "releases" of another process.
#include <uuid_filelock/uuid_filelock.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace {

std::string now() {
  using namespace std::chrono;
  const auto t = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(t);
  char hms[16];
  std::strftime(hms, sizeof hms, "%H:%M:%S", std::localtime(&secs));
  char out[32];
  std::snprintf(out, sizeof out, "%s.%03d", hms,
                static_cast<int>(duration_cast<milliseconds>(t.time_since_epoch()).count() % 1000));
  return out;
}

// One line, one write: lines of concurrent processes do not interleave.
void say(const std::string& what) {
  std::ostringstream line;
  line << now() << "  pid " << ::getpid() << "  " << what << "\n";
  std::cout << line.str() << std::flush;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::cerr << "usage: take_turns LOCKFILE [ROUNDS=3] [HOLD_MS=200]\n";
    return 64;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::chrono::milliseconds hold(argc > 3 ? std::atoi(argv[3]) : 200);
  try {
    // Poll every 20 ms instead of the original 1 s, so the demo moves briskly.
    uuid_filelock::UUIDFileLock lock(argv[1], std::chrono::milliseconds(20));
    for (int round = 1; round <= rounds; ++round) {
      say("waits");
      lock.acquire();
      say("holds the lock   (round " + std::to_string(round) + "/" + std::to_string(rounds) +
          ", token " + lock.token() + ")");
      std::this_thread::sleep_for(hold);
      say("releases it");
      lock.release();
      std::this_thread::sleep_for(hold / 4);  // give the others a chance
    }
  } catch (const std::system_error& e) {
    std::cerr << "take_turns: " << e.what() << "\n";
    return 74;
  }
  return 0;
}
