#include "captured_process.hpp"

#include <fstream>
#include <iterator>
#include <thread>
#include <utility>

namespace uuid_filelock::test {
namespace {

// A Windows program in text mode writes "\r\n"; the tests compare "\n".
std::string read_output(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string lines;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    lines.push_back(text[i]);
  }
  return lines;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const ProgramResult& result) {
  return os << "exit code " << result.exit_code << ", stdout \"" << result.out << "\", stderr \""
            << result.err << "\"";
}

CapturedProcess::CapturedProcess(std::vector<std::string> args)
    : start_(std::chrono::steady_clock::now()),
      child_(std::move(args), ChildProcess::OutputFiles{outputs_ / "stdout", outputs_ / "stderr"}) {
}

ProgramResult CapturedProcess::finish() {
  ProgramResult result;
  result.exit_code = child_.wait();
  result.elapsed = std::chrono::steady_clock::now() - start_;
  result.out = read_output(outputs_ / "stdout");
  result.err = read_output(outputs_ / "stderr");
  return result;
}

ProgramResult run_program(std::vector<std::string> args) {
  return CapturedProcess(std::move(args)).finish();
}

bool wait_for_file(const std::filesystem::path& path, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::error_code ec;
  while (!std::filesystem::exists(path, ec)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace uuid_filelock::test
