// The tool as shell programmers coming from flock(1), dotlockfile and
// lockfile-progs use it: flock's command line, exit statuses a script can
// tell apart, locks owned by the script itself, descriptions, help and
// durations. The real binary as a process, as in cli_test.cpp.
#include "cli_fixture.hpp"

namespace uuid_filelock::test {
namespace {

// Runs `script` with /bin/sh, the way a script calls the tool.
ProgramResult shell(const std::string& script) { return run_program({"/bin/sh", "-c", script}); }

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// A status file's line; a text file, so with "\r\n" on Windows.
std::string outcome_in(const std::filesystem::path& status_file) {
  std::string text = read_file(status_file);
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
  return text;
}

// --- flock(1)'s command line -------------------------------------------------

TEST_F(Cli, WordsAfterTheLockFileBelongToTheCommandWithoutDoubleDash) {
  // Options of COMMAND, even ones the tool has too, are COMMAND's.
  const ProgramResult result =
      tool({"run", lock_.string(), worker_, "args", "-la", "--timeout", "x", "--", "-c"});
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_EQ(result.out, "-la\n--timeout\nx\n--\n-c\n") << result;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, DoubleDashBeforeOrAfterTheLockFileStaysAccepted) {
  const ProgramResult after = tool({"run", lock_.string(), "--", worker_, "args", "-x"});
  EXPECT_EQ(after.exit_code, 0) << after;
  EXPECT_EQ(after.out, "-x\n") << after;
  // Before it, "--" lets a lock file look like an option.
  const std::filesystem::path odd = dir_ / "-odd.lock";
  const ProgramResult before =
      tool({"run", "-w", "5", "--", odd.string(), worker_, "try", odd.string()});
  EXPECT_EQ(before.exit_code, 0) << "the command did not see its lock held: " << before;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, ShortOptionsMeanWhatTheyMeanToFlock) {
  ChildProcess other = holder();
  const std::filesystem::path witness = dir_ / "witness";
  const std::vector<std::string> command{worker_, "pidfile", witness.string(), "0"};
  const auto attempt = [&](std::vector<std::string> options) {
    std::vector<std::string> args{"run"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(lock_.string());
    args.insert(args.end(), command.begin(), command.end());
    return tool(args);
  };
  // -n: one attempt, at once.
  const ProgramResult nonblock = attempt({"-n"});
  EXPECT_EQ(nonblock.exit_code, kTimedOut) << nonblock;
  EXPECT_LT(nonblock.elapsed, 1s);
  EXPECT_EQ(nonblock.err.rfind("uuid-filelock: could not acquire ", 0), 0u) << nonblock;
  // -w: a wait, bundled or not, with -E's exit status and -x accepted.
  const ProgramResult waited = attempt({"-x", "-E", "9", "-w", "0.5"});
  EXPECT_EQ(waited.exit_code, 9) << waited;
  EXPECT_GE(waited.elapsed, 450ms);
  EXPECT_EQ(waited.err.rfind("uuid-filelock: timed out waiting for ", 0), 0u) << waited;
  const ProgramResult bundled = attempt({"-nE", "0"});
  EXPECT_EQ(bundled.exit_code, 0) << bundled;
  EXPECT_EQ(bundled.err.rfind("uuid-filelock: could not acquire ", 0), 0u) << bundled;
  EXPECT_FALSE(std::filesystem::exists(witness)) << "a command ran without the lock";
}

TEST_F(Cli, DurationsTakeUnitsInEveryDurationOption) {
  ChildProcess other = holder();
  const ProgramResult millis = run({"--timeout", "600ms", "--retry-interval", "1m"}, {"exit", "0"});
  EXPECT_EQ(millis.exit_code, kTimedOut) << millis;
  EXPECT_GE(millis.elapsed, 550ms);
  EXPECT_LT(millis.elapsed, 2s);
  for (const std::string accepted : {"0", "1.5", "250ms", "2s", "0.5m", "1h"}) {
    const ProgramResult status = tool({"status", "--stale-after", accepted, lock_.string()});
    EXPECT_EQ(status.exit_code, 1) << accepted << ": " << status;
  }
  for (const std::string refused : {"10x", "s", "1.5.2", "-1s", "inf", "nan", "5 s", ""}) {
    const ProgramResult usage = tool({"status", "--stale-after", refused, lock_.string()});
    EXPECT_EQ(usage.exit_code, kUsage) << "'" << refused << "': " << usage;
    EXPECT_TRUE(contains(usage.err, "500ms, 10s, 5m, 2h")) << usage;
  }
  // An interval must be above zero, whatever its unit.
  const ProgramResult zero = run({"--retry-interval", "0ms"}, {"exit", "0"});
  EXPECT_EQ(zero.exit_code, kUsage) << zero;
}

TEST_F(Cli, FlockOptionsThatCannotBeHonouredAreRefusedWithAReason) {
  const std::filesystem::path witness = dir_ / "witness";
  const std::vector<std::pair<std::string, std::string>> refusals{
      {"-s", "shared locks are not supported yet"},
      {"--shared", "shared locks are not supported yet"},
      {"-u", "release LOCKFILE TOKEN"},
      {"-F", "COMMAND always runs as its child"},
  };
  for (const auto& [option, reason] : refusals) {
    const ProgramResult usage =
        tool({"run", option, lock_.string(), worker_, "pidfile", witness.string(), "0"});
    EXPECT_EQ(usage.exit_code, kUsage) << option << ": " << usage;
    EXPECT_TRUE(contains(usage.err, reason)) << option << ": " << usage;
  }
  const ProgramResult shared = tool({"acquire", "-s", lock_.string()});
  EXPECT_EQ(shared.exit_code, kUsage) << shared;
  EXPECT_TRUE(dir_.entries().empty()) << "a command ran or a lock was left";
}

TEST_F(Cli, ShortVersionOption) {
  const ProgramResult version = tool({"-V"});
  EXPECT_EQ(version.exit_code, 0) << version;
  EXPECT_EQ(version.out, std::string("uuid-filelock ") + UUID_FILELOCK_VERSION + "\n");
}

TEST_F(Cli, ShellCommandRunsThroughTheShellBeforeOrAfterTheLockFile) {
  if (kWindows) GTEST_SKIP() << "-c needs a POSIX shell";
  const std::string script =
      "echo \"$0\" ran; " + quoted(worker_) + " try " + quoted(lock_.string()) + " && exit 7";
  const ProgramResult after = tool({"run", lock_.string(), "-c", script});
  EXPECT_EQ(after.exit_code, 7) << "the shell did not run under the lock: " << after;
  EXPECT_EQ(after.out, "/bin/sh ran\n") << after;
  const ProgramResult before = tool({"run", "--command", script, lock_.string()});
  EXPECT_EQ(before.exit_code, 7) << before;
  const ProgramResult both = tool({"run", lock_.string(), "-c", "true", "extra"});
  EXPECT_EQ(both.exit_code, kUsage) << both;
  EXPECT_TRUE(dir_.entries().empty());
}

// --- telling the lock's outcome from COMMAND's --------------------------------

TEST_F(Cli, StatusFileTellsACommandThatExits75FromALockNotAcquired) {
  const std::filesystem::path status = dir_ / "status";
  const std::vector<std::string> with_status{"--status-file", status.string()};
  const ProgramResult command_75 = run(with_status, {"exit", "75"});
  EXPECT_EQ(command_75.exit_code, 75) << command_75;
  EXPECT_EQ(outcome_in(status), "ran 75\n");

  ChildProcess other = holder();
  const ProgramResult not_acquired = run({"-n", "--status-file", status.string()}, {"exit", "0"});
  EXPECT_EQ(not_acquired.exit_code, 75) << not_acquired;
  EXPECT_EQ(outcome_in(status), "not-acquired\n");
  other.terminate();
  other.wait();

  const ProgramResult ran = run(with_status, {"exit", "0"});
  EXPECT_EQ(ran.exit_code, 0) << ran;
  EXPECT_EQ(outcome_in(status), "ran 0\n") << "an earlier status was kept";

  const std::string missing = (dir_ / "no-such-program").string();
  const ProgramResult cannot =
      tool({"run", "--status-file", status.string(), lock_.string(), missing});
  EXPECT_EQ(cannot.exit_code, kCannotRun) << cannot;
  EXPECT_EQ(outcome_in(status), "cannot-run\n");

  const std::filesystem::path nowhere = dir_ / "no-such-dir" / "app.lock";
  const ProgramResult error = tool({"run", "--status-file", status.string(), "--error-exit-code",
                                    "201", nowhere.string(), worker_, "exit", "0"});
  EXPECT_EQ(error.exit_code, 201) << error;
  EXPECT_EQ(outcome_in(status), "lock-error\n");
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"status"});
}

TEST_F(Cli, AStatusFileThatCannotBeWrittenStopsTheToolBeforeTheCommand) {
  const std::filesystem::path witness = dir_ / "witness";
  const std::filesystem::path unwritable = dir_ / "a-directory";
  std::filesystem::create_directory(unwritable);
  const ProgramResult result =
      run({"--status-file", unwritable.string()}, {"pidfile", witness.string(), "0"});
  EXPECT_EQ(result.exit_code, kLockError) << result;
  EXPECT_TRUE(contains(result.err, "status file")) << result;
  EXPECT_FALSE(std::filesystem::exists(witness)) << "the command ran";
  EXPECT_FALSE(std::filesystem::exists(lock_));
}

TEST_F(Cli, ScriptTellsACommandThatExits75FromATimeout) {
  if (kWindows) GTEST_SKIP() << "the script is a POSIX shell's";
  // The README's pattern: the status file, not the exit status, says
  // whether the command ran.
  const std::string status = (dir_ / "status").string();
  const std::string script =
      quoted(tool_) + " run --status-file " + quoted(status) + " -w 0.2 " + quoted(lock_.string()) +
      " " + quoted(worker_) + " exit 75; rc=$?; read -r outcome rest < " + quoted(status) +
      "; case $outcome in ran) echo \"command exited $rest\";; not-acquired) echo busy;; *) echo "
      "\"lock failed: $outcome\";; esac; exit $rc";
  const ProgramResult ran = shell(script);
  EXPECT_EQ(ran.exit_code, 75) << ran;
  EXPECT_EQ(ran.out, "command exited 75\n") << ran;
  ChildProcess other = holder();
  const ProgramResult busy = shell(script);
  EXPECT_EQ(busy.exit_code, 75) << busy;
  EXPECT_EQ(busy.out, "busy\n") << busy;
}

// --- locks owned by a script ----------------------------------------------------

TEST_F(Cli, OwnerPidLockIsHeldWhileTheOwnerRunsAndTakenOverAtOnceAfter) {
  ChildProcess owner({worker_, "sleep", "60"});
  const ProgramResult acquire =
      tool({"acquire", "--owner-pid", std::to_string(owner.pid()), lock_.string()});
  ASSERT_EQ(acquire.exit_code, 0) << acquire;
  EXPECT_EQ(record_field(read_file(lock_), "companion"), std::to_string(owner.pid()));
  const json held = status_json({}, 1);
  EXPECT_EQ(held.value("state", json()), "held");
  EXPECT_EQ(held.value("owner_pid", json()), owner.pid());
  EXPECT_EQ(held.value("detached", json()), true);
  const ProgramResult text = tool({"status", lock_.string()});
  EXPECT_TRUE(contains(text.out, " for owner pid " + std::to_string(owner.pid()))) << text;
  const ProgramResult busy = run({"-n"}, {"exit", "0"});
  EXPECT_EQ(busy.exit_code, kTimedOut) << busy;

  owner.terminate();
  owner.wait();
  const ProgramResult stale = tool({"status", lock_.string()});
  EXPECT_EQ(stale.exit_code, 3) << stale;
  // Taken over by a single attempt: no age, no --stale-after needed.
  const ProgramResult next = run({"-n"}, {"args", "took"});
  EXPECT_EQ(next.exit_code, 0) << next;
  EXPECT_EQ(next.out, "took\n");
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, CrashedScriptsOwnedLockIsTakenOverByTheNextRun) {
  if (kWindows) GTEST_SKIP() << "the script is a POSIX shell's";
  // The script takes the lock for itself, then dies without cleaning up.
  const ProgramResult crashed = shell(quoted(tool_) + " acquire --owner-pid $$ " +
                                      quoted(lock_.string()) + " >/dev/null && kill -9 $$");
  EXPECT_EQ(crashed.exit_code, ChildProcess::kTerminated) << crashed;
  ASSERT_TRUE(std::filesystem::exists(lock_)) << "the script took no lock";
  const ProgramResult next = run({"-n"}, {"exit", "0"});
  EXPECT_EQ(next.exit_code, 0) << next;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, ScriptReleasesItsOwnedLockWithItsToken) {
  if (kWindows) GTEST_SKIP() << "the script is a POSIX shell's";
  const std::string lock = quoted(lock_.string());
  const ProgramResult script =
      shell("token=$(" + quoted(tool_) + " acquire --owner-parent " + lock + ") || exit 10; " +
            quoted(tool_) + " status " + lock + "; [ $? -eq 1 ] || exit 11; " + quoted(tool_) +
            " release " + lock + " \"$token\"");
  EXPECT_EQ(script.exit_code, 0) << script;
  // --owner-parent in $(...) named the script, not a subshell that had
  // exited: the lock was held when status looked.
  EXPECT_TRUE(contains(script.out, "held (detached) by pid ")) << script;
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Cli, OwnerParentIsTheProcessThatStartedTheTool) {
  const ProgramResult acquire = tool({"acquire", "--owner-parent", lock_.string()});
  ASSERT_EQ(acquire.exit_code, 0) << acquire;
  EXPECT_EQ(record_field(read_file(lock_), "companion"), std::to_string(current_process_id()));
  const ProgramResult released = tool({"release", lock_.string(), acquire.out.substr(0, 36)});
  EXPECT_EQ(released.exit_code, 0) << released;
}

TEST_F(Cli, OwnerThatDoesNotExistIsAnError) {
  const ProgramResult result =
      tool({"acquire", "--owner-pid", std::to_string(dead_pid()), lock_.string()});
  EXPECT_EQ(result.exit_code, kLockError) << result;
  EXPECT_TRUE(contains(result.err, "does not exist")) << result;
  EXPECT_TRUE(dir_.entries().empty());
  const ProgramResult both =
      tool({"acquire", "--owner-pid", "1", "--owner-parent", lock_.string()});
  EXPECT_EQ(both.exit_code, kUsage) << both;
}

// --- descriptions ---------------------------------------------------------------

TEST_F(Cli, DescriptionIsShownByStatusTheWaitingToolAndJson) {
  const std::filesystem::path started = dir_ / "started";
  CapturedProcess first(
      run_args({"--description", "nightly backup"}, {"pidfile", started.string(), "2"}));
  command_pid(started);
  const ProgramResult text = tool({"status", lock_.string()});
  EXPECT_TRUE(contains(text.out, "(nightly backup)")) << text;
  EXPECT_EQ(status_json({}, 1).value("description", json()), "nightly backup");
  const ProgramResult busy = run({"-n"}, {"exit", "0"});
  EXPECT_TRUE(contains(busy.err, "(nightly backup) on host ")) << busy;
  EXPECT_EQ(first.finish().exit_code, 0);
}

TEST_F(Cli, DescriptionDefaultsToTheCommandsNameAndIsOneSafeLine) {
  const std::filesystem::path started = dir_ / "started";
  CapturedProcess unnamed(run_args({}, {"pidfile", started.string(), "2"}));
  command_pid(started);
  EXPECT_EQ(record_field(read_file(lock_), "description"),
            std::filesystem::u8path(worker_).filename().u8string());
  EXPECT_EQ(unnamed.finish().exit_code, 0);

  std::filesystem::remove(started);
  const std::string forged = "line\nforged=1\x1b[2J" + std::string(300, 'x');
  CapturedProcess named(run_args({"--description", forged}, {"pidfile", started.string(), "2"}));
  command_pid(started);
  const std::string record = read_file(lock_);
  EXPECT_FALSE(contains(record, "\nforged=1")) << record;
  const std::string description = record_field(record, "description");
  EXPECT_EQ(description.rfind("line?forged=1?[2J", 0), 0u) << record;
  EXPECT_EQ(description.size(), 128u) << record;
  EXPECT_EQ(named.finish().exit_code, 0);
}

// --- help and subcommands -------------------------------------------------------

TEST_F(Cli, UnknownSubcommandIsNamedWithTheListOfSubcommands) {
  const ProgramResult unknown = tool({"frob", lock_.string()});
  EXPECT_EQ(unknown.exit_code, kUsage) << unknown;
  EXPECT_TRUE(contains(unknown.err, "unknown subcommand 'frob'")) << unknown;
  EXPECT_TRUE(contains(unknown.err, "run, status, acquire, release, break, help")) << unknown;
  const ProgramResult none = tool({});
  EXPECT_EQ(none.exit_code, kUsage) << none;
  EXPECT_TRUE(contains(none.err, "run, status, acquire, release, break, help")) << none;
}

TEST_F(Cli, HelpSubcommandPrintsTheToolsOrASubcommandsHelp) {
  const ProgramResult general = tool({"help"});
  EXPECT_EQ(general.exit_code, 0) << general;
  EXPECT_EQ(general.out, tool({"--help"}).out);
  for (const std::string subcommand : {"run", "status", "acquire", "release", "break"}) {
    const ProgramResult help = tool({"help", subcommand});
    EXPECT_EQ(help.exit_code, 0) << subcommand << ": " << help;
    EXPECT_EQ(help.out, tool({subcommand, "--help"}).out) << subcommand;
    EXPECT_TRUE(contains(help.out, "uuid-filelock " + subcommand)) << help;
  }
  const ProgramResult unknown = tool({"help", "frob"});
  EXPECT_EQ(unknown.exit_code, kUsage) << unknown;
  EXPECT_TRUE(contains(unknown.err, "'frob'")) << unknown;
}

}  // namespace
}  // namespace uuid_filelock::test
