// A program run as a shell runs it, for tests that judge it by its exit code,
// its standard output and its standard error: the uuid-filelock tool.
#pragma once

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace uuid_filelock::test {

struct ProgramResult {
  int exit_code = -1;  // as ChildProcess::wait() reports it
  std::string out;     // line ends "\n" on every OS
  std::string err;
  std::chrono::steady_clock::duration elapsed{};  // from the start to the exit
};

// For failure messages: the exit code and both outputs.
std::ostream& operator<<(std::ostream& os, const ProgramResult& result);

// Started at construction, with its output in files of its own (see
// ChildProcess::OutputFiles); killed at destruction if still running.
class CapturedProcess {
 public:
  explicit CapturedProcess(std::vector<std::string> args);
  process_id pid() const { return child_.pid(); }
  // See ChildProcess::terminate().
  void terminate() { child_.terminate(); }
  // Waits for it to end.
  ProgramResult finish();

 private:
  TempDir outputs_;
  std::chrono::steady_clock::time_point start_;
  ChildProcess child_;
};

ProgramResult run_program(std::vector<std::string> args);

// Whether `path` came to exist within `limit`, looking every few milliseconds.
bool wait_for_file(const std::filesystem::path& path, std::chrono::milliseconds limit);

}  // namespace uuid_filelock::test
