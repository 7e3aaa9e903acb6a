// uuid-filelock: UUID-verified lock files for scripts, installers and updaters.
// See docs/uuid-filelock.1 and the README's "Command-line tool".
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "printable.hpp"
#include "terminal.hpp"

namespace {

using namespace uuid_filelock::tool;

// A number of seconds: finite, not negative, and (for intervals) not zero.
CLI::Validator seconds(bool zero_allowed) {
  return CLI::Validator(
      [zero_allowed](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value) || !(value >= 0) || value > 1e9 ||
            (value == 0 && !zero_allowed))
          return zero_allowed ? "expects a number of seconds >= 0"
                              : "expects a number of seconds > 0";
        return {};
      },
      "SECONDS");
}

void add_lock_file(CLI::App& command, settings& s) {
  command.add_option("LOCKFILE", s.lock_file, "The lock file")->required();
}

void add_judging(CLI::App& command, settings& s) {
  command
      .add_option("--stale-after", s.stale_after_seconds,
                  "Presume a holder dead once its record is this many seconds old, where its "
                  "record allows it (a heartbeating holder, a detached lock, a UUID-only record); "
                  "measured by the lock filesystem's clock")
      ->check(seconds(true));
  command.add_flag_callback(
      "--no-advisory", [&s] { s.advisory = false; },
      "Do not use the advisory-lock fast path: judge and poll by the record alone");
  command
      .add_option_function<std::string>(
          "--filesystem",
          [&s](const std::string& kind) {
            using uuid_filelock::filesystem_kind;
            s.filesystem = kind == "local"     ? filesystem_kind::local
                           : kind == "network" ? filesystem_kind::network
                                               : filesystem_kind::automatic;
          },
          "Treat the lock's directory as local (one machine uses it) or network (several hosts "
          "share it: no advisory fast path, a verify delay); default auto: by its filesystem "
          "type")
      ->type_name("KIND")
      ->check(CLI::IsMember({"auto", "local", "network"}));
}

void add_waiting(CLI::App& command, settings& s) {
  command
      .add_option("--timeout", s.timeout_seconds,
                  "Give up after this many seconds (fractions allowed; 0: one attempt; "
                  "default: wait indefinitely)")
      ->check(seconds(true));
  command
      .add_option("--retry-interval", s.retry_interval_seconds,
                  "Seconds between attempts while the holder cannot be waited on (default 1)")
      ->check(seconds(false));
}

// Where a lock is taken.
void add_taking(CLI::App& command, settings& s) {
  command
      .add_option("--verify-delay", s.verify_delay_seconds,
                  "Seconds between publishing the lock file and reading it back, so that another "
                  "host's competing file shows up (fractions allowed; default: 0 on a local "
                  "filesystem, 0.25 on a network one)")
      ->check(seconds(true));
}

// Only where this tool holds the lock while it runs: a detached lock's
// holder exits, so nothing would refresh its record.
void add_heartbeat(CLI::App& command, settings& s) {
  command.add_flag("--heartbeat", s.heartbeat,
                   "While holding the lock, refresh its file every stale-after/3 seconds, so that "
                   "other hosts take it over only once it has gone unrefreshed for --stale-after "
                   "seconds (a crashed host's lock is recovered); needs --stale-after >= 3");
}

// What --heartbeat needs, which CLI11 cannot say: thrown as a usage error.
void check_heartbeat(const settings& s) {
  if (!s.heartbeat) return;
  const std::string minimum = std::to_string(uuid_filelock::min_heartbeat_stale_after.count());
  if (!s.stale_after_seconds) {
    throw CLI::ValidationError("--heartbeat", "needs --stale-after SECONDS (at least " + minimum +
                                                  "): the age at which other hosts may take "
                                                  "over a lock whose heartbeat stopped");
  }
  if (seconds_to_duration(*s.stale_after_seconds) < uuid_filelock::min_heartbeat_stale_after) {
    throw CLI::ValidationError("--heartbeat", "needs --stale-after of at least " + minimum +
                                                  " seconds (coarse file times on network "
                                                  "filesystems need the margin)");
  }
}

void add_verbosity(CLI::App& command, settings& s) {
  auto* quiet = command.add_flag_callback(
      "-q,--quiet", [&s] { s.level = verbosity::quiet; }, "Print nothing but errors");
  auto* verbose = command.add_flag_callback(
      "-v,--verbose", [&s] { s.level = verbosity::verbose; },
      "Say when the lock is taken and released");
  quiet->excludes(verbose);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "UUID-verified lock files for scripts, installers and updaters.\n"
      "Exit codes: see each subcommand; 64 usage error, 74 lock error, 75 timed out.",
      "uuid-filelock"};
  app.set_version_flag("--version", "uuid-filelock " UUID_FILELOCK_VERSION);
  app.require_subcommand(1);
  settings s;

  std::vector<std::string> command;
  auto* run = app.add_subcommand(
      "run",
      "Take the lock, run COMMAND while holding it, release it; exit with COMMAND's status "
      "(128+N if signal N killed it, 75 not acquired in time, 127 COMMAND cannot start)");
  add_waiting(*run, s);
  add_taking(*run, s);
  add_judging(*run, s);
  add_heartbeat(*run, s);
  add_verbosity(*run, s);
  add_lock_file(*run, s);
  run->add_option("COMMAND", command, "The command and its arguments, after --")->required();

  bool json = false;
  auto* status =
      app.add_subcommand("status", "Say whether the lock is free (exit 0), held (1) or stale (3)");
  status->add_flag("--json", json, "Print one JSON object");
  add_judging(*status, s);
  add_lock_file(*status, s);

  auto* acquire = app.add_subcommand(
      "acquire",
      "Take the lock and keep it after this tool exits (a detached lock); print its "
      "token for `release`");
  add_waiting(*acquire, s);
  add_taking(*acquire, s);
  add_judging(*acquire, s);
  add_verbosity(*acquire, s);
  add_lock_file(*acquire, s);

  std::string token;
  auto* release = app.add_subcommand(
      "release", "Release a detached lock if TOKEN is its token (else exit 1, nothing changed)");
  add_verbosity(*release, s);
  add_lock_file(*release, s);
  release->add_option("TOKEN", token, "The token `acquire` printed")->required();

  bool force = false;
  auto* breaker =
      app.add_subcommand("break", "Remove a stale lock; refuse a live one (exit 1) unless --force");
  breaker->add_flag("--force", force, "Remove it even if its holder looks alive");
  add_judging(*breaker, s);
  add_lock_file(*breaker, s);

  try {
    app.parse(argc, argv);
    check_heartbeat(s);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --help-all, --version: printed on stdout
  } catch (const CLI::ParseError& e) {
    // CLI11 quotes the arguments it rejects, which may be a file name.
    std::cerr << "uuid-filelock: " << printable(e.what())
              << "\nRun 'uuid-filelock --help' for usage.\n";
    return kUsage;
  }

  report_broken_pipes_as_errors();
  try {
    if (*run) return run_command(s, command);
    if (*status) return status_command(s, json);
    if (*acquire) return acquire_command(s);
    if (*release) return release_command(s, token);
    if (*breaker) return break_command(s, force);
  } catch (const std::system_error& e) {
    // A filesystem_error's text quotes its paths.
    std::cerr << "uuid-filelock: " << printable(e.what()) << "\n";
    return kLockError;
  } catch (const std::exception& e) {
    std::cerr << "uuid-filelock: " << printable(e.what()) << "\n";
    return kLockError;
  }
  return kUsage;
}
