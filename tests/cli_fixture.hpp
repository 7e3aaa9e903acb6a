// What the CLI test suites share: the tool and the test worker started as
// processes, and the checks every suite makes of what they leave.
#pragma once

#include <gtest/gtest.h>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>
#include "../src/common/backend.hpp"
#include "support/captured_process.hpp"
#include "support/child_process.hpp"
#include "support/counter_cycles.hpp"
#include "support/platform.hpp"
#include "support/process_probe.hpp"
#include "support/signals.hpp"
#include "support/symlink.hpp"
#include "support/temp_dir.hpp"
#include "support/unprivileged.hpp"

namespace uuid_filelock::test {

using namespace std::chrono_literals;
using nlohmann::json;

// The tool's exit codes (sysexits.h and the shell's conventions).
inline constexpr int kUsage = 64;
inline constexpr int kLockError = 74;
inline constexpr int kTimedOut = 75;
inline constexpr int kCannotRun = 127;

inline constexpr const char* kUuid = "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b";
inline constexpr const char* kAcquiredAt = "2026-01-01T00:00:00.000000Z";
// Long enough for a loaded machine (or Wine) to start a process and write a
// file; a wait that ends early costs nothing.
inline constexpr auto kStartLimit = 20s;

inline const std::regex kRfc3339(
    R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
inline const std::regex kUuidText("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The value of `key=` in a lock record ("" if absent).
inline std::string record_field(const std::string& record, const std::string& key) {
  for (const std::string& line : lines_of(record)) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return "";
}

// A record as a holder on this machine writes it (see stale_record_test.cpp),
// with `pid` as the holder.
inline std::string record_of(std::uint64_t pid) {
  const detail::process_identity& self = detail::current_process();
  return std::string(kUuid) + "\nformat=uuid-filelock/1\npid=" + std::to_string(pid) +
         "\nstart=1\nhost=" + self.host + "\nmachine=" + self.machine_id +
         "\nboot=" + self.boot_id + "\npidns=" + self.pid_namespace +
         "\nadvisory=0\nacquired_at=" + kAcquiredAt + "\n";
}

class Cli : public ::testing::Test {
 protected:
  // The tool with `args`, to its end.
  ProgramResult tool(std::vector<std::string> args) const {
    args.insert(args.begin(), tool_);
    return run_program(std::move(args));
  }
  // `uuid-filelock run OPTIONS LOCK -- lock_worker WORKER_ARGS`.
  std::vector<std::string> run_args(std::vector<std::string> options,
                                    const std::vector<std::string>& worker_args) const {
    std::vector<std::string> args{tool_, "run"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(lock_.string());
    args.push_back("--");
    args.push_back(worker_);
    args.insert(args.end(), worker_args.begin(), worker_args.end());
    return args;
  }
  ProgramResult run(std::vector<std::string> options,
                    const std::vector<std::string>& worker_args) const {
    return run_program(run_args(std::move(options), worker_args));
  }
  // run, status and acquire on whatever is at the lock path: each exits 74
  // naming the path.
  void expect_each_subcommand_to_fail_naming_the_path() const {
    for (const std::string subcommand : {"run", "status", "acquire"}) {
      std::vector<std::string> args{subcommand, lock_.string()};
      if (subcommand == "run") args.insert(args.end(), {"--", worker_, "exit", "0"});
      const ProgramResult result = tool(args);
      EXPECT_EQ(result.exit_code, kLockError) << subcommand << ": " << result;
      EXPECT_TRUE(contains(result.err, lock_.string())) << subcommand << ": " << result;
    }
  }
  // Another process holding the lock through the library, as any holder
  // would; it holds until killed.
  ChildProcess holder() const {
    ChildProcess child({worker_, "hold", lock_.string(), "1"}, false, true);
    EXPECT_EQ(child.read_line(), "held 0");
    return child;
  }
  // A pid that no process has any more.
  std::uint64_t dead_pid() const {
    ChildProcess child({worker_, "sleep", "0"});
    EXPECT_EQ(child.wait(), 0);
    return child.pid();
  }
  // A record whose holder is `age` old (by the file's mtime).
  void write_record(const std::string& bytes, std::chrono::seconds age = 0s) const {
    write_file(lock_, bytes);
    std::filesystem::last_write_time(lock_, std::filesystem::file_time_type::clock::now() - age);
  }
  // The pid a COMMAND wrote with `lock_worker pidfile` or `trap`; it is
  // killed after the test if still running.
  process_id command_pid(const std::filesystem::path& pid_file) {
    EXPECT_TRUE(wait_for_file(pid_file, kStartLimit)) << "the command did not start";
    const std::string text = read_file(pid_file);
    if (text.empty()) return 0;
    const process_id pid = std::stoull(text);
    commands_.push_back({pid, process_start_time(pid)});
    return pid;
  }
  // `status --json OPTIONS LOCK`, checked for what every state has in common.
  json status_json(const std::vector<std::string>& options, int expected_exit) const {
    std::vector<std::string> args{"status", "--json"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(lock_.string());
    const ProgramResult status = tool(args);
    EXPECT_EQ(status.exit_code, expected_exit) << status;
    json parsed;
    try {
      parsed = json::parse(status.out);  // the whole stdout: one value, nothing else
    } catch (const json::exception& e) {
      ADD_FAILURE() << "status --json: " << e.what() << "; " << status;
      return json::object();
    }
    EXPECT_TRUE(parsed.is_object()) << status;
    for (const char* key : {"schema", "state", "uuid", "pid", "host", "acquired_at", "path",
                            "age_seconds", "detached", "owner_pid", "description"}) {
      EXPECT_TRUE(parsed.contains(key)) << key << " missing: " << status;
    }
    if (!parsed.is_object()) return json::object();
    EXPECT_TRUE(parsed.value("path", json()).is_string()) << status;
    if (parsed.value("path", json()).is_string()) {
      EXPECT_EQ(std::filesystem::u8path(parsed["path"].get<std::string>()), lock_) << status;
    }
    EXPECT_TRUE(parsed.value("detached", json()).is_boolean()) << status;
    EXPECT_EQ(parsed.value("schema", json()), 1) << status;
    return parsed;
  }
  void take_turns(const std::vector<std::string>& options);
  void TearDown() override {
    // Only if it is still that process: its pid may have been reused.
    for (const auto& [pid, start] : commands_) {
      if (start != 0 && process_start_time(pid) == start) kill_process(pid);
    }
  }

  TempDir dir_;
  std::filesystem::path lock_ = dir_ / "app.lock";
  const std::string tool_ = sibling_program(UUID_FILELOCK_TOOL);
  const std::string worker_ = sibling_program(UUID_FILELOCK_LOCK_WORKER);
  // COMMANDs that may outlive their tool, with their start times.
  std::vector<std::pair<process_id, std::uint64_t>> commands_;
};

}  // namespace uuid_filelock::test
