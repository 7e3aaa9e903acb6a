#include "interface.hpp"

#include "durations.hpp"

namespace uuid_filelock::tool {
namespace {

// An exit status a script can test: what a process can return.
const CLI::Validator kExitStatus = CLI::Range(0, 255).description("");

// An option taking a duration (durations.hpp), stored as seconds.
template <class Seconds>
CLI::Option* add_duration(CLI::App& command, const std::string& names, Seconds& seconds,
                          const std::string& description, bool zero_allowed = true) {
  return command.add_option(names, seconds, description)
      ->transform(duration(zero_allowed))
      ->type_name("DURATION");
}

void add_lock_file(CLI::App& command, settings& s) {
  command.add_option("LOCKFILE", s.lock_file, "The lock file")->required();
}

void add_judging(CLI::App& command, settings& s) {
  add_duration(command, "--stale-after", s.stale_after_seconds,
               "Presume a holder dead once its record is this old, where its record allows "
               "it (a heartbeating holder, a detached lock without an owner, a UUID-only "
               "record); measured by the lock filesystem's clock");
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

// Options of flock(1) this tool cannot honour: a clear refusal instead of
// "unknown option". Hidden from --help; the man page lists them.
void refuse(CLI::App& command, const std::string& names, const std::string& why) {
  const std::string long_name = names.substr(names.rfind(',') + 1);
  command
      .add_flag_callback(
          names, [long_name, why] { throw CLI::ValidationError(long_name, why); }, why)
      ->group("");
}

void add_waiting(CLI::App& command, settings& s) {
  auto* wait = add_duration(command, "-w,--wait,--timeout", s.timeout_seconds,
                            "Give up after this long (0: one attempt; default: wait "
                            "indefinitely)");
  command
      .add_flag_callback(
          "-n,--nb,--nonblock", [&s] { s.timeout_seconds = 0.0; },
          "Make one attempt: fail at once if the lock is held (= --wait 0)")
      ->excludes(wait);
  add_duration(command, "--retry-interval", s.retry_interval_seconds,
               "Pause between attempts while the holder cannot be waited on (default 1s)", false);
  command
      .add_option("-E,--conflict-exit-code", s.conflict_exit_code,
                  "Exit with this status when the lock was not acquired (default 75)")
      ->check(kExitStatus)
      ->type_name("N");
  command
      .add_option("--error-exit-code", s.error_exit_code,
                  "Exit with this status when the lock itself failed: a missing directory, no "
                  "permission, a lock lost while held (default 74)")
      ->check(kExitStatus)
      ->type_name("N");
  // Every lock is exclusive: flock's way of saying so is accepted.
  command.add_flag("-x,-e,--exclusive", "Take an exclusive lock (the only kind there is)");
  refuse(command, "-s,--shared", "shared locks are not supported yet: every lock is exclusive");
  refuse(command, "-u,--unlock",
         "there is no lock descriptor to unlock: a lock taken by `acquire` is ended by "
         "`release LOCKFILE TOKEN`");
}

// Where a lock is taken.
void add_taking(CLI::App& command, settings& s) {
  add_duration(command, "--verify-delay", s.verify_delay_seconds,
               "Pause between publishing the lock file and reading it back, so that another "
               "host's competing file shows up (default: 0 on a local filesystem, 250ms on a "
               "network one)");
  command.add_option("--description", s.description,
                     "What holds the lock, shown by `status` and to waiting tools (one line, at "
                     "most 128 bytes; default: the command's or the tool's name)");
}

void add_verbosity(CLI::App& command, settings& s) {
  auto* quiet = command.add_flag_callback(
      "-q,--quiet", [&s] { s.level = verbosity::quiet; }, "Print nothing but errors");
  auto* verbose = command.add_flag_callback(
      "-v,--verbose", [&s] { s.level = verbosity::verbose; },
      "Say when the lock is taken and released");
  quiet->excludes(verbose);
}

// A subcommand that takes the lock: run and acquire.
CLI::App* add_taking_subcommand(CLI::App& app, const std::string& name,
                                const std::string& description, settings& s) {
  auto* command = app.add_subcommand(name, description);
  add_waiting(*command, s);
  add_taking(*command, s);
  add_judging(*command, s);
  add_verbosity(*command, s);
  return command;
}

void define_run(CLI::App& app, arguments& args) {
  settings& s = args.s;
  auto* run = add_taking_subcommand(
      app, "run",
      "Take the lock, run COMMAND while holding it, release it. Options end at LOCKFILE: the "
      "words after it are COMMAND's. Exit status: COMMAND's (128+N if signal N killed it), 75 "
      "not acquired (-E), 74 lock error, 127 COMMAND cannot start; --status-file tells them "
      "apart whatever COMMAND returns",
      s);
  run->add_flag("--heartbeat", s.heartbeat,
                "While holding the lock, refresh its file every stale-after/3, so that other "
                "hosts take it over only once it has gone unrefreshed for --stale-after (a "
                "crashed host's lock is recovered); needs --stale-after of at least 3s");
  run->add_option("-c,--command", args.shell,
                  "Run this shell command (/bin/sh -c) instead of COMMAND");
  run->add_option("--status-file", args.status_file,
                  "Write what happened to this file: 'ran N' (COMMAND ran and exited N), "
                  "'not-acquired', 'lock-error', 'cannot-run' or 'ran-lock-error N' (see the "
                  "man page)")
      ->type_name("FILE");
  // COMMAND never shares a lock descriptor (its children cannot keep the
  // lock), which is what flock's --close asks for.
  run->add_flag("-o,--close", "Accepted for flock(1): COMMAND never holds the lock's descriptor");
  refuse(*run, "-F,--no-fork",
         "the tool must stay to release the lock when COMMAND exits: COMMAND always runs as "
         "its child");
  add_lock_file(*run, s);
  // Filled by split_run_arguments(), not by CLI11: listed for the help text.
  run->add_option("COMMAND", args.command, "The command to run and its arguments");
}

void define_acquire(CLI::App& app, arguments& args) {
  auto* acquire = add_taking_subcommand(
      app, "acquire",
      "Take the lock and keep it after this tool exits (a detached lock); print its token for "
      "`release`. With --owner-pid or --owner-parent the lock is held while that process runs "
      "and is taken over as soon as it has exited; without, it outlives reboots and only "
      "`release`, --stale-after or `break --force` end it",
      args.s);
  auto* owner = acquire->add_option(
      "--owner-pid", args.owner_pid,
      "Hold the lock for this process (e.g. the script's $$): released when it exits");
  owner->type_name("PID")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{0xFFFFFFFF}));
  acquire
      ->add_flag("--owner-parent", args.owner_parent,
                 "Hold the lock for the process that started this tool (in $(...) that may be "
                 "a subshell: prefer --owner-pid $$ there)")
      ->excludes(owner);
  add_lock_file(*acquire, args.s);
}

void define_status(CLI::App& app, arguments& args) {
  auto* status =
      app.add_subcommand("status", "Say whether the lock is free (exit 0), held (1) or stale (3)");
  status->add_flag("--json", args.json, "Print one JSON object (keys in the man page)");
  add_judging(*status, args.s);
  add_lock_file(*status, args.s);
}

void define_release(CLI::App& app, arguments& args) {
  auto* release = app.add_subcommand(
      "release", "Release a detached lock if TOKEN is its token (else exit 1, nothing changed)");
  add_verbosity(*release, args.s);
  add_lock_file(*release, args.s);
  release->add_option("TOKEN", args.token, "The token `acquire` printed")->required();
}

void define_break(CLI::App& app, arguments& args) {
  auto* breaker =
      app.add_subcommand("break", "Remove a stale lock; refuse a live one (exit 1) unless --force");
  breaker->add_flag("--force", args.force, "Remove it even if its holder looks alive");
  add_judging(*breaker, args.s);
  add_lock_file(*breaker, args.s);
}

// Listed for the help text; main() answers `help` before CLI11 parses, since
// CLI11 would take `help run` for the subcommand `run`.
void define_help(CLI::App& app) {
  app.add_subcommand("help", "Print this help, or a subcommand's: help SUBCOMMAND");
}

}  // namespace

void define_interface(CLI::App& app, arguments& args) {
  define_run(app, args);
  define_status(app, args);
  define_acquire(app, args);
  define_release(app, args);
  define_break(app, args);
  define_help(app);
}

void check_arguments(const CLI::App& app, const arguments& args) {
  const settings& s = args.s;
  if (s.heartbeat) {
    const std::string minimum = std::to_string(uuid_filelock::min_heartbeat_stale_after.count());
    if (!s.stale_after_seconds)
      throw CLI::ValidationError("--heartbeat",
                                 "needs --stale-after (at least " + minimum +
                                     " seconds): the age at which other hosts may take "
                                     "over a lock whose heartbeat stopped");
    if (seconds_to_duration(*s.stale_after_seconds) < uuid_filelock::min_heartbeat_stale_after)
      throw CLI::ValidationError("--heartbeat", "needs --stale-after of at least " + minimum +
                                                    " seconds (coarse file times on network "
                                                    "filesystems need the margin)");
  }
  if (app.got_subcommand("run")) {
    if (args.shell && !args.command.empty())
      throw CLI::ValidationError("--command",
                                 "give either COMMAND or -c 'shell command', not both");
    if (!args.shell && args.command.empty())
      throw CLI::ValidationError(
          "COMMAND", "run needs COMMAND [ARGS...] or -c 'shell command' after LOCKFILE");
  }
}

}  // namespace uuid_filelock::tool
