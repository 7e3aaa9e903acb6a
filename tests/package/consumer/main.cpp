// Links against uuid_filelock::uuid_filelock and takes a lock: exit 0 only if
// acquire, record and release all work through the consumed package.
#include <uuid_filelock/uuid_filelock.hpp>

#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) return 64;
  uuid_filelock::UUIDFileLock lock(argv[1]);
  lock.acquire();
  std::string first_line;
  std::getline(std::ifstream(argv[1]), first_line);
  if (first_line != lock.token()) return 1;
  lock.release();
  std::cout << "consumer: locked and released " << argv[1] << "\n";
  return std::ifstream(argv[1]) ? 1 : 0;
}
