// The uuid-filelock tool as scripts use it: the real binary, started as a
// process, judged by its exit code, stdout, stderr and the lock file it
// leaves. Its COMMAND is the test worker (support/lock_worker.cpp), so that
// the same cases run on Windows; cases that need signals are POSIX-only and
// skipped on Windows with the reason.
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
#include "cli_fixture.hpp"
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
namespace {

// --- help, version, usage errors -------------------------------------------

TEST_F(Cli, HelpOfTheToolAndOfEachSubcommandGoesToStdoutInEightyColumns) {
  for (const std::string subcommand : {"", "run", "status", "acquire", "release", "break"}) {
    std::vector<std::string> args;
    if (!subcommand.empty()) args.push_back(subcommand);
    args.push_back("--help");
    const ProgramResult help = tool(args);
    EXPECT_EQ(help.exit_code, 0) << subcommand << ": " << help;
    EXPECT_TRUE(contains(lower(help.out), "usage")) << subcommand << ": " << help;
    EXPECT_TRUE(contains(help.out, subcommand)) << subcommand << ": " << help;
    EXPECT_EQ(help.err, "") << subcommand << ": " << help;
    // Wrapped at 80 columns, since stdout is no terminal here.
    for (const std::string& line : lines_of(help.out)) {
      EXPECT_LE(line.size(), 80u) << subcommand << ": " << line;
    }
  }
}

TEST_F(Cli, VersionIsTheProjectVersion) {
  const ProgramResult version = tool({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version;
  EXPECT_EQ(version.out, std::string("uuid-filelock ") + UUID_FILELOCK_VERSION + "\n");
}

TEST_F(Cli, UsageErrorsExit64AndRunNothing) {
  const std::filesystem::path witness = dir_ / "witness";
  const std::string lock = lock_.string();
  const std::vector<std::string> command{"--", worker_, "pidfile", witness.string(), "0"};
  auto with_command = [&](std::vector<std::string> args) {
    args.insert(args.end(), command.begin(), command.end());
    return args;
  };
  const std::vector<std::vector<std::string>> cases{
      {"run"},
      {"run", lock},
      {"run", lock, "--"},
      with_command({"run", "--no-such-option", lock}),
      with_command({"run", "--timeout", "-1", lock}),
      with_command({"run", "--timeout", "-0.5", lock}),
      with_command({"run", "--timeout", "soon", lock}),
      with_command({"run", "--timeout", lock}),
      with_command({"run", "--retry-interval", "often", lock}),
      with_command({"run", "--stale-after", "later", lock}),
      with_command({"run", "--verify-delay", "-1", lock}),
      with_command({"run", "--verify-delay", "soon", lock}),
      with_command({"run", "--filesystem", "bogus", lock}),
      with_command({"run", "--heartbeat", lock}),
      with_command({"run", "--heartbeat", "--stale-after", "1", lock}),
      {"no-such-subcommand", lock},
      {"status"},
      {"status", "--no-such-option", lock},
      {"acquire"},
      {"acquire", "--timeout", "-1", lock},
      {"acquire", "--timeout", "soon", lock},
      // A detached lock's holder exits: nothing would heartbeat.
      {"acquire", "--heartbeat", "--stale-after", "10", lock},
      {"acquire", "--filesystem", "bogus", lock},
      {"status", "--filesystem", "bogus", lock},
      {"break", "--filesystem", "bogus", lock},
      {"release", lock},
      {"release"},
      {"break"},
      {"break", "--no-such-option", lock},
  };
  for (const std::vector<std::string>& args : cases) {
    std::string shown;
    for (const std::string& arg : args) shown += " " + arg;
    const ProgramResult usage = tool(args);
    EXPECT_EQ(usage.exit_code, kUsage) << shown << ": " << usage;
    EXPECT_NE(usage.err, "") << shown << ": " << usage;
    EXPECT_EQ(usage.out, "") << shown << ": " << usage;
    EXPECT_FALSE(std::filesystem::exists(witness)) << shown << ": the command ran";
    EXPECT_FALSE(std::filesystem::exists(lock_)) << shown << ": a lock file was left";
  }
}

TEST_F(Cli, HeartbeatWithoutStaleAfterIsAUsageError) {
  const std::filesystem::path witness = dir_ / "witness";
  const ProgramResult result = run({"--heartbeat"}, {"pidfile", witness.string(), "0"});
  EXPECT_EQ(result.exit_code, kUsage) << result;
  EXPECT_TRUE(contains(result.err, "--heartbeat")) << result;
  EXPECT_TRUE(contains(result.err, "--stale-after")) << result;
  EXPECT_EQ(result.out, "") << result;
  EXPECT_TRUE(dir_.entries().empty()) << "the command ran or a lock file was left";
}

TEST_F(Cli, HeartbeatNeedsStaleAfterOfAtLeastThreeSeconds) {
  const std::filesystem::path witness = dir_ / "witness";
  for (const std::string too_short : {"0", "1", "2.999"}) {
    const ProgramResult result =
        run({"--heartbeat", "--stale-after", too_short}, {"pidfile", witness.string(), "0"});
    EXPECT_EQ(result.exit_code, kUsage) << too_short << ": " << result;
    EXPECT_TRUE(contains(result.err, "--stale-after")) << too_short << ": " << result;
    EXPECT_TRUE(contains(result.err, "at least 3 seconds")) << too_short << ": " << result;
    EXPECT_EQ(result.out, "") << too_short << ": " << result;
    EXPECT_TRUE(dir_.entries().empty()) << too_short << ": the command ran or a lock was left";
  }
}

TEST_F(Cli, UnknownFilesystemKindIsAUsageError) {
  const ProgramResult result = run({"--filesystem", "bogus"}, {"echo", "hi"});
  EXPECT_EQ(result.exit_code, kUsage) << result;
  EXPECT_TRUE(contains(result.err, "--filesystem")) << result;
  EXPECT_TRUE(contains(result.err, "bogus")) << result;
  EXPECT_EQ(result.out, "") << "the command ran: " << result;
  EXPECT_TRUE(dir_.entries().empty());
}

// --- run: exit statuses --------------------------------------------------

TEST_F(Cli, RunPassesTheCommandsExitStatusThroughAndReleases) {
  for (const int code : {0, 3, 42, 255}) {
    const ProgramResult run_result = run({}, {"exit", std::to_string(code)});
    EXPECT_EQ(run_result.exit_code, code) << run_result;
    EXPECT_EQ(run_result.out, "") << run_result;
    EXPECT_TRUE(dir_.entries().empty()) << "after exit " << code;
  }
}

TEST_F(Cli, RunHoldsTheLockWhileTheCommandRuns) {
  // `try` exits 0 when it finds the lock held by someone else.
  const ProgramResult inside = run({}, {"try", lock_.string()});
  EXPECT_EQ(inside.exit_code, 0) << inside;
  EXPECT_FALSE(std::filesystem::exists(lock_));
}

TEST_F(Cli, CommandOutputPassesThroughAndQuietAddsNothing) {
  const ProgramResult quiet = run({"--quiet"}, {"echo", "hello"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet;
  EXPECT_EQ(quiet.out, "hello\n");
  EXPECT_EQ(quiet.err, "to stderr\n");
}

TEST_F(Cli, VerboseTellsOfAcquiringAndReleasing) {
  const ProgramResult verbose = run({"--verbose"}, {"exit", "0"});
  EXPECT_EQ(verbose.exit_code, 0) << verbose;
  EXPECT_EQ(verbose.out, "") << verbose;
  EXPECT_TRUE(contains(lower(verbose.err), "acquir")) << verbose;
  EXPECT_TRUE(contains(lower(verbose.err), "releas")) << verbose;
  EXPECT_GE(lines_of(verbose.err).size(), 2u) << verbose;
}

TEST_F(Cli, CommandKilledBySignalExits128PlusN) {
  if (const std::string why = signals_unavailable(); !why.empty()) GTEST_SKIP() << why;
  const ProgramResult killed = run({}, {"raise-term"});
  EXPECT_EQ(killed.exit_code, 128 + signal_number(Signal::terminate)) << killed;
  EXPECT_EQ(killed.exit_code, 143);
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, CommandThatCannotStartExits127AndReleases) {
  const std::string missing = (dir_ / "no-such-program").string();
  const ProgramResult result = tool({"run", lock_.string(), "--", missing, "argument"});
  EXPECT_EQ(result.exit_code, kCannotRun) << result;
  EXPECT_TRUE(contains(result.err, missing)) << result;
  EXPECT_TRUE(dir_.entries().empty()) << "the lock file (or a temporary) was left";
}

TEST_F(Cli, CommandInheritsNoDescriptorOfTheLock) {
  if (kWindows) {
    GTEST_SKIP() << "Windows lists a process's handles through no documented API (the library's "
                    "handles are never inheritable: Crash.ExecedChildNeverInheritsTheLock)";
  }
  const ProgramResult result = run({}, {"descriptors", lock_.string()});
  EXPECT_EQ(result.exit_code, 0) << "the command has a descriptor of the lock file: " << result;
}

TEST_F(Cli, RunWithHeartbeatVerifyDelayAndFilesystemOptions) {
  const ProgramResult result = run(
      {"--heartbeat", "--stale-after", "3", "--verify-delay", "0.05", "--filesystem", "network"},
      {"echo", "hi"});
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_EQ(result.out, "hi\n") << result;
  EXPECT_EQ(result.err, "to stderr\n") << result;
  EXPECT_TRUE(dir_.entries().empty()) << "the lock file (or a temporary) was left";
  for (const std::string kind : {"auto", "local"}) {
    const ProgramResult other = run({"--filesystem", kind, "--verify-delay", "0"}, {"echo", "hi"});
    EXPECT_EQ(other.exit_code, 0) << kind << ": " << other;
    EXPECT_EQ(other.out, "hi\n") << kind << ": " << other;
    EXPECT_TRUE(dir_.entries().empty()) << kind;
  }
}

TEST_F(Cli, HeartbeatingRunHoldsTheLockAndSaysSoInItsRecord) {
  const std::filesystem::path pid_file = dir_ / "command.pid";
  CapturedProcess run_process(
      run_args({"--heartbeat", "--stale-after", "3"}, {"pidfile", pid_file.string(), "60"}));
  const process_id command = command_pid(pid_file);
  ASSERT_NE(command, 0u);
  const std::string record = read_file(lock_);
  // The holder is the tool, and its record carries its heartbeat's limit.
  EXPECT_EQ(record_field(record, "pid"), std::to_string(run_process.pid())) << record;
  EXPECT_EQ(record_field(record, "heartbeat_ms"), "3000") << record;
  const json held = status_json({}, 1);
  EXPECT_EQ(held.value("state", json()), "held");
  EXPECT_EQ(held.value("uuid", json()), record.substr(0, 36));
  EXPECT_EQ(held.value("pid", json()), run_process.pid());
  EXPECT_EQ(held.value("detached", json()), false);
  EXPECT_EQ(
      tool({"status", "--stale-after", "3", "--filesystem", "network", lock_.string()}).exit_code,
      1);
  // The command killed (SIGKILL on POSIX, exit 1 from TerminateProcess on
  // Windows): the tool passes its status on and releases.
  kill_process(command);
  const ProgramResult result = run_process.finish();
  EXPECT_EQ(result.exit_code, kWindows ? 1 : 128 + 9) << result;
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"command.pid"}) << "the lock was not released";
}

// --- errors on the lock itself --------------------------------------------

TEST_F(Cli, MissingDirectoryExits74WithThePath) {
  lock_ = dir_ / "missing" / "app.lock";
  const std::filesystem::path witness = dir_ / "witness";
  const ProgramResult run_result = run({}, {"pidfile", witness.string(), "0"});
  EXPECT_EQ(run_result.exit_code, kLockError) << run_result;
  EXPECT_TRUE(contains(run_result.err, lock_.string())) << run_result;
  EXPECT_FALSE(std::filesystem::exists(witness)) << "the command ran";

  const ProgramResult acquire = tool({"acquire", lock_.string()});
  EXPECT_EQ(acquire.exit_code, kLockError) << acquire;
  EXPECT_TRUE(contains(acquire.err, lock_.string())) << acquire;
  EXPECT_EQ(acquire.out, "") << acquire;
  EXPECT_EQ(dir_.entries(), std::set<std::string>{}) << "the directory was created";
}

TEST_F(Cli, DirectoryAtTheLockPathExits74) {
  std::filesystem::create_directory(lock_);
  expect_each_subcommand_to_fail_naming_the_path();
  EXPECT_TRUE(std::filesystem::is_directory(lock_));
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Cli, SymlinkAtTheLockPathExits74AndIsNotFollowed) {
  const std::string impossible = make_file_symlink(dir_ / "target", lock_);
  if (!impossible.empty()) GTEST_SKIP() << impossible;
  expect_each_subcommand_to_fail_naming_the_path();
  EXPECT_TRUE(test::is_symlink(lock_));
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"}) << "the target was created";
}

TEST_F(Cli, PermissionDeniedExits74WithThePath) {
  std::vector<std::string> unprivileged;
  if (const std::string why = unprivileged_prefix(unprivileged); !why.empty()) {
    GTEST_SKIP() << why;
  }
  std::vector<std::string> version = unprivileged;
  version.insert(version.end(), {tool_, "--version"});
  if (const ProgramResult started = run_program(version); started.exit_code != 0) {
    GTEST_SKIP() << "the unprivileged user cannot run the tool here: " << started;
  }
  const std::filesystem::path read_only = dir_ / "read-only";
  std::filesystem::create_directory(read_only);
  std::filesystem::permissions(
      read_only, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                     std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  lock_ = read_only / "app.lock";
  const std::filesystem::path witness = dir_ / "witness";
  std::vector<std::string> args = unprivileged;
  const std::vector<std::string> run_command = run_args({}, {"pidfile", witness.string(), "0"});
  args.insert(args.end(), run_command.begin(), run_command.end());
  const ProgramResult result = run_program(args);
  EXPECT_EQ(result.exit_code, kLockError) << result;
  EXPECT_TRUE(contains(result.err, lock_.string())) << result;
  EXPECT_TRUE(contains(result.err, std::make_error_code(std::errc::permission_denied).message()))
      << result;
  EXPECT_FALSE(std::filesystem::exists(witness)) << "the command ran";
  EXPECT_TRUE(std::filesystem::is_empty(read_only));
}

// --- waiting and timeouts ---------------------------------------------------

TEST_F(Cli, TimeoutZeroOnAHeldLockExits75AtOnceNamingTheHolder) {
  ChildProcess other = holder();
  const std::string record = read_file(lock_);
  const std::filesystem::path witness = dir_ / "witness";
  const ProgramResult result = run({"--timeout", "0"}, {"pidfile", witness.string(), "0"});
  EXPECT_EQ(result.exit_code, kTimedOut) << result;
  EXPECT_LT(result.elapsed, 1s);
  const std::regex message(
      "uuid-filelock: could not acquire (.+): held by pid ([0-9]+) \\((.+)\\) on host (.+) "
      "for [0-9]+(\\.[0-9]+)? s\n");
  std::smatch parts;
  ASSERT_TRUE(std::regex_match(result.err, parts, message)) << result;
  EXPECT_EQ(parts[1].str(), lock_.string());
  EXPECT_EQ(parts[2].str(), std::to_string(other.pid()));
  // The holder's description defaults to its program's name.
  EXPECT_EQ(parts[3].str(), std::filesystem::u8path(worker_).stem().u8string());
  EXPECT_EQ(parts[4].str(), record_field(record, "host"));
  EXPECT_EQ(result.out, "");
  EXPECT_FALSE(std::filesystem::exists(witness)) << "the command ran without the lock";
  EXPECT_EQ(read_file(lock_), record) << "the holder's lock was touched";
}

TEST_F(Cli, FractionalTimeoutExits75InTime) {
  ChildProcess other = holder();
  const ProgramResult result = run({"--timeout", "0.5"}, {"exit", "0"});
  EXPECT_EQ(result.exit_code, kTimedOut) << result;
  // At least the timeout (less a margin for the tool's rounding), at most a
  // second more.
  EXPECT_GE(result.elapsed, 450ms);
  EXPECT_LT(result.elapsed, 1500ms);
  EXPECT_EQ(lines_of(result.err).size(), 1u) << result;
}

TEST_F(Cli, LongWaitShowsNoStatusLineWhenStderrIsNotATerminal) {
  ChildProcess other = holder();
  const ProgramResult result = run({"--timeout", "1.5"}, {"exit", "0"});
  EXPECT_EQ(result.exit_code, kTimedOut) << result;
  EXPECT_EQ(lines_of(result.err).size(), 1u) << result;
  EXPECT_TRUE(contains(result.err, "uuid-filelock: timed out waiting for ")) << result;
  EXPECT_FALSE(contains(result.err, "\r")) << result;
}

TEST_F(Cli, WaiterRunsOnceTheHolderReleases) {
  const std::filesystem::path started = dir_ / "first-started";
  CapturedProcess first(run_args({}, {"pidfile", started.string(), "1"}));
  command_pid(started);
  const ProgramResult second = run({"--timeout", "30"}, {"try", lock_.string()});
  const ProgramResult first_result = first.finish();
  EXPECT_EQ(first_result.exit_code, 0) << first_result;
  // It ran holding the lock, which the first one held until its command ended.
  EXPECT_EQ(second.exit_code, 0) << second;
  EXPECT_FALSE(contains(second.err, "\r")) << second;
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"first-started"});
}

// --- exclusion between tools ------------------------------------------------

}  // namespace

// 4 tools x 20 runs on one lock, each COMMAND a counted turn between
// "begin PID" and "end PID" lines.
void Cli::take_turns(const std::vector<std::string>& options) {
  constexpr int kTools = 4;
  constexpr int kRunsEach = 20;
  const std::filesystem::path counter = dir_ / "counter";
  const std::filesystem::path witness = dir_ / "inside";
  const std::filesystem::path log = dir_ / "log";
  const std::vector<std::string> args =
      run_args(options, {"turn", counter.string(), witness.string(), log.string()});
  std::vector<std::vector<ProgramResult>> results(kTools);
  std::vector<std::thread> tools;
  for (int t = 0; t < kTools; ++t) {
    tools.emplace_back([&args, &results, t] {
      for (int i = 0; i < kRunsEach; ++i) {
        results[static_cast<std::size_t>(t)].push_back(run_program(args));
      }
    });
  }
  for (std::thread& thread : tools) thread.join();
  for (const std::vector<ProgramResult>& runs : results) {
    for (const ProgramResult& result : runs) EXPECT_EQ(result.exit_code, 0) << result;
  }
  EXPECT_EQ(read_counter(counter), kTools * kRunsEach);
  // Every begin is followed by the end of the same process before any
  // other begin: no two commands overlapped.
  const std::vector<std::string> lines = lines_of(read_file(log));
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(2 * kTools * kRunsEach));
  for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
    ASSERT_EQ(lines[i].rfind("begin ", 0), 0u) << "line " << i << ": " << lines[i];
    EXPECT_EQ(lines[i + 1], "end " + lines[i].substr(6)) << "line " << i + 1;
  }
  EXPECT_EQ(dir_.entries(), (std::set<std::string>{"counter", "log"}));
}

namespace {

// A short retry interval keeps 80 hand-overs quick where waiters poll (the
// no-advisory preset compiles the fast path out).
TEST_F(Cli, ConcurrentRunsTakeTurns) {
  take_turns({"--timeout", "120", "--retry-interval", "0.01"});
}

TEST_F(Cli, ConcurrentRunsTakeTurnsWithoutTheFastPath) {
  take_turns({"--timeout", "120", "--retry-interval", "0.01", "--no-advisory"});
}

// --- signals and crashes -----------------------------------------------------

TEST_F(Cli, SigtermToTheToolReachesTheCommand) {
  if (const std::string why = signals_unavailable(); !why.empty()) GTEST_SKIP() << why;
  const std::filesystem::path pid_file = dir_ / "command.pid";
  CapturedProcess run_process(run_args({}, {"pidfile", pid_file.string(), "60"}));
  const process_id command = command_pid(pid_file);
  send_signal(run_process.pid(), Signal::terminate);
  const ProgramResult result = run_process.finish();
  // 143 is an exit: the tool outlived the signal, waited for its command,
  // released and reported the command's death (its own would read -15).
  EXPECT_EQ(result.exit_code, 143) << result;
  EXPECT_LT(result.elapsed, 30s) << "the command slept on: the signal was not forwarded";
  EXPECT_FALSE(process_running(command));
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"command.pid"});
}

TEST_F(Cli, ForwardedSignalsAreCaughtByTheCommand) {
  if (const std::string why = signals_unavailable(); !why.empty()) GTEST_SKIP() << why;
  for (const Signal signal : {Signal::hangup, Signal::interrupt, Signal::terminate}) {
    const int number = signal_number(signal);
    const std::filesystem::path pid_file = dir_ / ("command.pid." + std::to_string(number));
    const std::filesystem::path caught = dir_ / ("caught." + std::to_string(number));
    CapturedProcess run_process(run_args({}, {"trap", pid_file.string(), caught.string()}));
    command_pid(pid_file);
    send_signal(run_process.pid(), signal);
    const ProgramResult result = run_process.finish();
    // The command caught it and exited 42 on its own: that status, not 128+N.
    EXPECT_EQ(result.exit_code, 42) << "signal " << number << ": " << result;
    EXPECT_EQ(read_file(caught), std::to_string(number) + "\n") << "signal " << number;
    EXPECT_FALSE(std::filesystem::exists(lock_)) << "signal " << number;
  }
}

TEST_F(Cli, SignalIgnoredByTheCallerStaysIgnoredByToolAndCommand) {
  if (const std::string why = signals_unavailable(); !why.empty()) GTEST_SKIP() << why;
  // As `nohup uuid-filelock run ...` starts it: SIGHUP ignored from the start.
  const std::filesystem::path pid_file = dir_ / "command.pid";
  const std::string script = "trap '' HUP; exec '" + tool_ + "' run '" + lock_.string() + "' -- '" +
                             worker_ + "' pidfile '" + pid_file.string() + "' 2";
  CapturedProcess run_process({"/bin/sh", "-c", script});
  command_pid(pid_file);
  send_signal(run_process.pid(), Signal::hangup);
  const ProgramResult result = run_process.finish();
  // Neither the tool nor its command was ended by it: the command slept on.
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_GE(result.elapsed, 2s) << result;
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"command.pid"});
}

TEST_F(Cli, KilledToolsLockIsHeldUntilItsCommandExits) {
  const std::filesystem::path pid_file = dir_ / "orphan.pid";
  CapturedProcess killed(run_args({}, {"pidfile", pid_file.string(), "60"}));
  const process_id orphan = command_pid(pid_file);
  ASSERT_NE(orphan, 0u);
  killed.terminate();  // SIGKILL, TerminateProcess: no cleanup runs
  EXPECT_EQ(killed.finish().exit_code, ChildProcess::kTerminated);
  if (kWindows) {
    // The lock file goes with the tool's handle, so its command dies with
    // it (a kill-on-close job) rather than run on without the lock.
    for (int i = 0; i < 1000 && process_running(orphan); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(process_running(orphan));
  } else {
    // The command runs on, and the lock stays held for it: the record names it.
    EXPECT_TRUE(process_running(orphan)) << "the command should outlive its killed tool";
    ASSERT_TRUE(std::filesystem::exists(lock_));
    const ProgramResult status = tool({"status", lock_.string()});
    EXPECT_EQ(status.exit_code, 1) << status;
    EXPECT_EQ(status.out.rfind("held", 0), 0u) << status;
    const ProgramResult waited = run({"--timeout", "0.5"}, {"exit", "0"});
    EXPECT_EQ(waited.exit_code, 75) << waited;
    kill_process(orphan);
  }
  // Recoverable at once after the command: the next run takes it.
  const ProgramResult next = run({"--timeout", "5"}, {"exit", "0"});
  EXPECT_EQ(next.exit_code, 0) << next;
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"orphan.pid"});
}

// --- status -------------------------------------------------------------------

TEST_F(Cli, StatusOfAFreeLock) {
  const ProgramResult status = tool({"status", lock_.string()});
  EXPECT_EQ(status.exit_code, 0) << status;
  EXPECT_EQ(status.out.rfind("free", 0), 0u) << status;
  const json free = status_json({}, 0);
  EXPECT_EQ(free.value("state", json()), "free");
  for (const char* unknown : {"uuid", "pid", "host", "acquired_at"}) {
    EXPECT_TRUE(free.value(unknown, json(0)).is_null()) << unknown << ": " << free;
  }
  EXPECT_EQ(free.value("detached", json()), false);
  EXPECT_TRUE(free.value("age_seconds", json()).is_null() ||
              free.value("age_seconds", json()).is_number())
      << free;
  EXPECT_FALSE(std::filesystem::exists(lock_));
}

TEST_F(Cli, StatusOfAHeldLock) {
  ChildProcess other = holder();
  const std::string record = read_file(lock_);
  const ProgramResult status = tool({"status", lock_.string()});
  EXPECT_EQ(status.exit_code, 1) << status;
  EXPECT_EQ(status.out.rfind("held", 0), 0u) << status;
  const json held = status_json({}, 1);
  EXPECT_EQ(held.value("state", json()), "held");
  EXPECT_EQ(held.value("uuid", json()), record.substr(0, 36));
  EXPECT_EQ(held.value("pid", json()), other.pid());
  EXPECT_EQ(held.value("host", json()), record_field(record, "host"));
  EXPECT_EQ(held.value("acquired_at", json()), record_field(record, "acquired_at"));
  const std::string acquired_at = held.value("acquired_at", json("")).get<std::string>();
  EXPECT_TRUE(std::regex_match(acquired_at, kRfc3339)) << acquired_at;
  ASSERT_TRUE(held.value("age_seconds", json()).is_number()) << held;
  EXPECT_GE(held["age_seconds"].get<double>(), 0.0);
  EXPECT_LT(held["age_seconds"].get<double>(), 60.0);
  EXPECT_EQ(held.value("detached", json()), false);
  EXPECT_EQ(tool({"status", "--no-advisory", lock_.string()}).exit_code, 1);
  EXPECT_EQ(read_file(lock_), record) << "status touched the lock";
}

TEST_F(Cli, StatusOfALockWhoseHolderIsDead) {
  const std::uint64_t dead = dead_pid();
  write_record(record_of(dead), 10s);
  const ProgramResult status = tool({"status", lock_.string()});
  EXPECT_EQ(status.exit_code, 3) << status;
  EXPECT_EQ(status.out.rfind("stale", 0), 0u) << status;
  const json stale = status_json({}, 3);
  EXPECT_EQ(stale.value("state", json()), "stale");
  EXPECT_EQ(stale.value("uuid", json()), kUuid);
  EXPECT_EQ(stale.value("pid", json()), dead);
  EXPECT_EQ(stale.value("host", json()), detail::current_process().host);
  EXPECT_EQ(stale.value("acquired_at", json()), kAcquiredAt);
  ASSERT_TRUE(stale.value("age_seconds", json()).is_number()) << stale;
  EXPECT_GE(stale["age_seconds"].get<double>(), 9.0);
  EXPECT_LT(stale["age_seconds"].get<double>(), 600.0);
  EXPECT_EQ(stale.value("detached", json()), false);
  EXPECT_EQ(tool({"status", "--no-advisory", lock_.string()}).exit_code, 3);
  EXPECT_EQ(read_file(lock_), record_of(dead)) << "status broke the lock";
}

TEST_F(Cli, StatusJudgesAnUncheckableHolderByStaleAfter) {
  // The original Python library's record: a UUID alone, no pid to check.
  write_record(std::string(kUuid) + "\n", 3600s);
  EXPECT_EQ(tool({"status", lock_.string()}).exit_code, 1);
  const json held = status_json({"--stale-after", "7200"}, 1);
  EXPECT_EQ(held.value("state", json()), "held");
  const json stale = status_json({"--stale-after", "60"}, 3);
  EXPECT_EQ(stale.value("state", json()), "stale");
  EXPECT_EQ(stale.value("uuid", json()), kUuid);
  for (const char* unknown : {"pid", "host", "acquired_at"}) {
    EXPECT_TRUE(stale.value(unknown, json(0)).is_null()) << unknown << ": " << stale;
  }
  ASSERT_TRUE(stale.value("age_seconds", json()).is_number()) << stale;
  EXPECT_NEAR(stale["age_seconds"].get<double>(), 3600.0, 60.0);
  EXPECT_EQ(read_file(lock_), std::string(kUuid) + "\n");
}

// --- detached locks: acquire and release ---------------------------------------

TEST_F(Cli, AcquiredLockOutlivesTheToolUntilReleasedWithItsToken) {
  const ProgramResult acquire = tool({"acquire", lock_.string()});
  ASSERT_EQ(acquire.exit_code, 0) << acquire;
  ASSERT_EQ(acquire.out.size(), 37u) << acquire;
  const std::string token = acquire.out.substr(0, 36);
  EXPECT_TRUE(std::regex_match(token, kUuidText)) << acquire;
  EXPECT_EQ(acquire.out.back(), '\n');

  // The tool has exited; its lock has not.
  const std::string record = read_file(lock_);
  EXPECT_EQ(record.substr(0, 37), token + "\n");
  EXPECT_TRUE(contains(record, "\ndetached=1\n")) << record;
  const json held = status_json({}, 1);
  EXPECT_EQ(held.value("state", json()), "held");
  EXPECT_EQ(held.value("uuid", json()), token);
  EXPECT_EQ(held.value("detached", json()), true);
  const std::filesystem::path witness = dir_ / "witness";
  const ProgramResult blocked = run({"--timeout", "0"}, {"pidfile", witness.string(), "0"});
  EXPECT_EQ(blocked.exit_code, kTimedOut) << blocked;
  EXPECT_FALSE(std::filesystem::exists(witness)) << "the command ran without the lock";

  std::string wrong = token;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  const ProgramResult refused = tool({"release", lock_.string(), wrong});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_NE(refused.err, "") << refused;
  EXPECT_EQ(read_file(lock_), record) << "a wrong token changed the lock file";

  const ProgramResult released = tool({"release", lock_.string(), token});
  EXPECT_EQ(released.exit_code, 0) << released;
  EXPECT_TRUE(dir_.entries().empty());

  const ProgramResult again = tool({"release", lock_.string(), token});
  EXPECT_EQ(again.exit_code, 1) << "released twice: " << again;
}

TEST_F(Cli, ReleaseNeverEndsALockThatIsNotDetached) {
  // A running holder's UUID is no token: `status` shows it to anyone.
  ChildProcess other = holder();
  const std::string record = read_file(lock_);
  const ProgramResult refused = tool({"release", lock_.string(), record.substr(0, 36)});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_EQ(read_file(lock_), record) << "release ended a running holder's lock";
}

TEST_F(Cli, AcquireTimesOutOnAHeldLock) {
  ChildProcess other = holder();
  const std::string record = read_file(lock_);
  const ProgramResult acquire = tool({"acquire", "--timeout", "0", lock_.string()});
  EXPECT_EQ(acquire.exit_code, kTimedOut) << acquire;
  EXPECT_EQ(acquire.out, "") << acquire;
  EXPECT_TRUE(contains(acquire.err, std::to_string(other.pid()))) << acquire;
  EXPECT_LT(acquire.elapsed, 1s);
  EXPECT_EQ(read_file(lock_), record);
}

TEST_F(Cli, AcquireThatCannotWriteItsTokenExits74AndLeavesNoLock) {
  if (kWindows) GTEST_SKIP() << "no /dev/full on Windows";
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  // A token nobody received would keep the lock until stale_after.
  const ProgramResult acquire = run_program(
      {"/bin/sh", "-c", "exec '" + tool_ + "' acquire '" + lock_.string() + "' >/dev/full"});
  EXPECT_EQ(acquire.exit_code, kLockError) << acquire;
  EXPECT_NE(acquire.err, "") << acquire;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, DetachedLockTurnsStaleOnlyByStaleAfter) {
  const ProgramResult acquire = tool({"acquire", lock_.string()});
  ASSERT_EQ(acquire.exit_code, 0) << acquire;
  std::filesystem::last_write_time(lock_, std::filesystem::file_time_type::clock::now() - 3600s);
  EXPECT_EQ(tool({"status", lock_.string()}).exit_code, 1) << "judged by its dead pid";
  EXPECT_EQ(tool({"status", "--stale-after", "60", lock_.string()}).exit_code, 3);
  const ProgramResult broken = tool({"break", "--stale-after", "60", lock_.string()});
  EXPECT_EQ(broken.exit_code, 0) << broken;
  EXPECT_TRUE(contains(broken.out, "removed")) << broken;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, StaleDetachedLockIsTakenOverOnANetworkFilesystemToo) {
  // There breaking goes through a heartbeating marker, which must not
  // inherit the detached setting that forbids heartbeats.
  const ProgramResult first =
      tool({"acquire", "--filesystem", "network", "--verify-delay", "0", lock_.string()});
  ASSERT_EQ(first.exit_code, 0) << first;
  std::filesystem::last_write_time(lock_, std::filesystem::file_time_type::clock::now() - 3600s);
  const ProgramResult second = tool({"acquire", "--filesystem", "network", "--verify-delay", "0",
                                     "--stale-after", "60", "--timeout", "5", lock_.string()});
  ASSERT_EQ(second.exit_code, 0) << second;
  EXPECT_NE(second.out, first.out);  // a new token: the stale lock was broken
  EXPECT_EQ(tool({"release", lock_.string(), second.out.substr(0, 36)}).exit_code, 0);
  EXPECT_TRUE(dir_.entries().empty());
}

// --- break ----------------------------------------------------------------------

TEST_F(Cli, BreakRemovesALockWhoseHolderIsDead) {
  write_record(record_of(dead_pid()));
  const ProgramResult broken = tool({"break", lock_.string()});
  EXPECT_EQ(broken.exit_code, 0) << broken;
  EXPECT_TRUE(contains(broken.out, "removed")) << broken;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, BreakRemovesALockOlderThanStaleAfter) {
  write_record(std::string(kUuid) + "\n", 3600s);
  const ProgramResult young = tool({"break", "--stale-after", "7200", lock_.string()});
  EXPECT_EQ(young.exit_code, 1) << young;
  EXPECT_EQ(read_file(lock_), std::string(kUuid) + "\n");
  const ProgramResult broken = tool({"break", "--stale-after", "60", lock_.string()});
  EXPECT_EQ(broken.exit_code, 0) << broken;
  EXPECT_TRUE(contains(broken.out, "removed")) << broken;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, BreakWithoutALockSaysNoLock) {
  const ProgramResult broken = tool({"break", lock_.string()});
  EXPECT_EQ(broken.exit_code, 0) << broken;
  EXPECT_TRUE(contains(broken.out, "no lock")) << broken;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, BreakRefusesALiveHoldersLockUnlessForced) {
  ChildProcess other = holder();
  const std::string record = read_file(lock_);
  const ProgramResult refused = tool({"break", lock_.string()});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_EQ(read_file(lock_), record) << "a live holder's lock was touched";
  const ProgramResult forced = tool({"break", "--force", lock_.string()});
  if (kWindows) {
    // break_lock's documented `refused`: Windows removes no file that its
    // holder has open (a detached lock has no such holder: see below).
    EXPECT_EQ(forced.exit_code, 1) << forced;
    EXPECT_EQ(read_file(lock_), record);
    return;
  }
  EXPECT_EQ(forced.exit_code, 0) << forced;
  EXPECT_TRUE(contains(forced.out, "removed")) << forced;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, BreakRefusesADetachedLockUnlessForced) {
  ASSERT_EQ(tool({"acquire", lock_.string()}).exit_code, 0);
  const std::string record = read_file(lock_);
  const ProgramResult refused = tool({"break", lock_.string()});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_EQ(read_file(lock_), record);
  const ProgramResult forced = tool({"break", "--force", lock_.string()});
  EXPECT_EQ(forced.exit_code, 0) << forced;
  EXPECT_TRUE(contains(forced.out, "removed")) << forced;
  EXPECT_TRUE(dir_.entries().empty());
}

// --- text from a lock record is escaped ------------------------------------------

// A host name as any co-user can forge it: an OSC that retitles the
// terminal, BEL, a CSI that clears it, NUL, a byte that is no UTF-8, an
// 8-bit CSI (C1, U+009B), CR, TAB and DEL; then a backslash and valid UTF-8
// ("hôte-ü"), which come through readable. Separate literals end each \x.
const std::string kForgedHost = std::string("evil\x1b]0;pwned\x07\x1b[2J") + '\0' +
                                "\xff"
                                "\xc2\x9b"
                                "31m\r\tx\x7f\\h\xc3\xb4te-\xc3\xbc";
const std::string kForgedHostEscaped =
    "evil\\x1b]0;pwned\\x07\\x1b[2J\\x00\\xff\\xc2\\x9b31m\\x0d\\x09x\\x7f\\\\h\xc3\xb4te-\xc3\xbc";
const std::string kForgedAcquiredAt = "2026-01-01T00:00:00\x1b[8m.000000Z";
const std::string kForgedAcquiredAtEscaped = "2026-01-01T00:00:00\\x1b[8m.000000Z";

// A record that judges as alive everywhere: its boot id is not this
// machine's, so its holder runs on another host, and one that does not
// heartbeat may hold a lock for as long as it likes.
std::string forged_record() {
  return std::string(kUuid) + "\nformat=uuid-filelock/1\npid=4242\nstart=1\nhost=" + kForgedHost +
         "\nmachine=forged-machine\nboot=forged-boot\npidns=forged\nadvisory=0\nacquired_at=" +
         kForgedAcquiredAt + "\n";
}

// One line that a terminal can only show: no control byte but the final
// newline, no DEL, no C1 control in UTF-8, no 0xff (never UTF-8).
::testing::AssertionResult is_one_inert_line(const std::string& text) {
  if (text.empty() || text.back() != '\n')
    return ::testing::AssertionFailure() << "not one line: " << ::testing::PrintToString(text);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool final_newline = i + 1 == text.size();
    const bool c1 = byte == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if ((byte < 0x20 && !final_newline) || byte == 0x7F || byte == 0xFF || c1)
      return ::testing::AssertionFailure() << "byte " << static_cast<int>(byte) << " at " << i
                                           << " of " << ::testing::PrintToString(text);
  }
  return ::testing::AssertionSuccess();
}

TEST_F(Cli, StatusEscapesControlCharactersOfAForgedRecord) {
  write_record(forged_record());
  const ProgramResult status = tool({"status", lock_.string()});
  EXPECT_EQ(status.exit_code, 1) << status;
  EXPECT_EQ(status.out.rfind("held by pid 4242 on host " + kForgedHostEscaped + " for ", 0), 0u)
      << status;
  EXPECT_TRUE(contains(status.out, ", acquired " + kForgedAcquiredAtEscaped + "\n")) << status;
  EXPECT_TRUE(is_one_inert_line(status.out));
  EXPECT_EQ(status.err, "") << status;
  // JSON escapes its own way: the control characters come back as they were
  // forged, and the byte that is no UTF-8 as U+FFFD.
  const json held = status_json({}, 1);
  EXPECT_EQ(held.value("state", json()), "held");
  const std::string host = held.value("host", json("")).get<std::string>();
  EXPECT_EQ(host.rfind(std::string("evil\x1b]0;pwned\x07\x1b[2J") + '\0' + "\xef\xbf\xbd", 0), 0u)
      << ::testing::PrintToString(host);
  EXPECT_EQ(held.value("acquired_at", json()), kForgedAcquiredAt);
  EXPECT_EQ(read_file(lock_), forged_record()) << "status touched the lock";
}

TEST_F(Cli, BreakRefusalEscapesControlCharactersOfAForgedRecord) {
  write_record(forged_record());
  const ProgramResult refused = tool({"break", lock_.string()});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_TRUE(contains(refused.err, " on host " + kForgedHostEscaped + " for ")) << refused;
  EXPECT_TRUE(is_one_inert_line(refused.err));
  EXPECT_EQ(refused.out, "") << refused;
  EXPECT_EQ(read_file(lock_), forged_record()) << "a live holder's lock was touched";
}

TEST_F(Cli, TimeoutEscapesControlCharactersOfAForgedRecord) {
  write_record(forged_record());
  const std::filesystem::path witness = dir_ / "witness";
  const ProgramResult run_result = run({"--timeout", "0"}, {"pidfile", witness.string(), "0"});
  EXPECT_EQ(run_result.exit_code, kTimedOut) << run_result;
  EXPECT_TRUE(contains(run_result.err, " on host " + kForgedHostEscaped + " for ")) << run_result;
  EXPECT_TRUE(is_one_inert_line(run_result.err));
  EXPECT_FALSE(std::filesystem::exists(witness)) << "the command ran without the lock";

  const ProgramResult acquire = tool({"acquire", "--timeout", "0", lock_.string()});
  EXPECT_EQ(acquire.exit_code, kTimedOut) << acquire;
  EXPECT_TRUE(contains(acquire.err, " on host " + kForgedHostEscaped + " for ")) << acquire;
  EXPECT_TRUE(is_one_inert_line(acquire.err));
  EXPECT_EQ(acquire.out, "") << acquire;
  EXPECT_EQ(read_file(lock_), forged_record()) << "the holder's lock was touched";
}

TEST_F(Cli, ControlCharactersInTheLockPathAreEscaped) {
  if (kWindows) GTEST_SKIP() << "Windows file names hold no control characters";
  // A script may take the path from a shared directory's listing, whose
  // names a co-user chooses.
  const std::filesystem::path evil = dir_ / "evil\x1b]0;pwned\x07";
  const std::string escaped = (dir_ / "evil\\x1b]0;pwned\\x07" / "app.lock").string();
  lock_ = evil / "app.lock";
  // Its directory missing: the error names the path.
  const ProgramResult missing = tool({"acquire", lock_.string()});
  EXPECT_EQ(missing.exit_code, kLockError) << missing;
  EXPECT_EQ(missing.err.rfind("uuid-filelock: " + escaped + ": ", 0), 0u) << missing;
  EXPECT_TRUE(is_one_inert_line(missing.err));
  // Held: the refusals name it.
  std::filesystem::create_directory(evil);
  write_record(forged_record());
  const ProgramResult refused = tool({"break", lock_.string()});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_EQ(refused.err.rfind("uuid-filelock: " + escaped + " is held ", 0), 0u) << refused;
  EXPECT_TRUE(is_one_inert_line(refused.err));
  const ProgramResult timed_out = run({"--timeout", "0"}, {"exit", "0"});
  EXPECT_EQ(timed_out.exit_code, kTimedOut) << timed_out;
  EXPECT_EQ(timed_out.err.rfind("uuid-filelock: could not acquire " + escaped + ": held ", 0), 0u)
      << timed_out;
  EXPECT_TRUE(is_one_inert_line(timed_out.err));
}

}  // namespace
}  // namespace uuid_filelock::test
