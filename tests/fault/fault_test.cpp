// Fault injection at the POSIX backend's calls (issue #12, "Standing
// protection"). For each operation (acquire by try_lock, in a warm and in a
// fresh process, and by lock with a timeout, free or held; release;
// inspect_lock and break_lock of free, live and dead holders' locks) and
// each mode (the fast path on and off; every fsync; no O_TMPFILE): a dry run
// records which wrapped C library calls the operation makes; then every one
// of those calls is failed, alone, with every errno it can plausibly return,
// in a fresh directory and a fresh process. Each case must end without a
// crash or a hang, with success or a clear error (the injected one), leave
// nothing in the directory but perhaps the lock file (temporaries only if
// the next waiting acquisition sweeps them), leave the lock recoverable, and
// never let two objects hold it. An interrupted call (EINTR) must change
// nothing at all.
//
// UUID_FILELOCK_FAULT_SHOW_CALLS=1 in the environment prints each dry run's
// calls: the list the cases are made from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "case_report.hpp"
#include "isolated_run.hpp"
#include "operations.hpp"
#include "plausible_errors.hpp"
#include "support/temp_dir.hpp"
#include "syscall_faults.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::fault {
namespace {

using namespace std::chrono_literals;

// A case normally takes a few milliseconds; one still running after this is
// hung (the longest operation waits 300 ms by design).
constexpr std::chrono::seconds kCaseLimit{10};

// How long a waiting acquisition waits, to prove it sweeps leftovers.
constexpr auto kSweepingWait = 20ms;

// How long a fresh object may take to recover the lock once the faulting
// process has exited.
constexpr auto kRecoveryWait = 500ms;

// The settings operations run with: the fast path on and off at the default
// durability, for every operation; the fast path on with every fsync (which
// adds calls that can fail: fsync, the directory's open) for those that
// create or remove files; and on a filesystem without O_TMPFILE (records are
// then prepared under temporary names, published by renameat2 or link) for
// those that publish records.
struct mode {
  const char* name;
  bool advisory;
  durability_level durability;
  bool unnamed_files;  // O_TMPFILE works
};

constexpr mode kModes[] = {
    {"FastPathOn", true, durability_level::none, true},
    {"FastPathOff", false, durability_level::none, true},
    {"FastPathOnDurable", true, durability_level::file_and_directory, true},
    {"FastPathOnNoTmpfile", true, durability_level::none, false},
};

const mode& mode_named(const std::string& name) {
  for (const mode& m : kModes) {
    if (name == m.name) return m;
  }
  throw std::invalid_argument("no mode named " + name);
}

bool publishes(const operation& op) {
  return op.goal == purpose::acquire || op.goal == purpose::wait_in_vain;
}

bool mode_applies(const mode& m, const operation& op) {
  if (!m.unnamed_files) return publishes(op);
  if (m.durability != durability_level::none)
    return publishes(op) || op.goal == purpose::release || op.goal == purpose::unforced_break;
  return true;
}

// The library reads ESTALE as "the file is gone" (posix_io.hpp, is_gone: an
// NFS client reports a file that another host removed so). Injected while
// the file is there, it shows the library a world where the file is gone:
// answers and refusals that world allows are right, and a file of ours the
// library then lost track of may stay until this process exits.
bool reads_as_gone(int error) { return error == ESTALE; }

// "open(/tmp/x/app.lock O_RDONLY|O_NOFOLLOW) #2 failing with EIO".
std::string describe_fault(const recorded_call& call, int error) {
  return call.function + "(" + call.detail + ") #" + std::to_string(call.occurrence) +
         " failing with " + errno_name(error);
}

bool is_system_error(const outcome& result, int error) {
  return result.what == outcome::kind::error && result.error_value == error &&
         (result.error_category == std::system_category().name() ||
          result.error_category == std::generic_category().name());
}

bool same_outcome(const outcome& a, const outcome& b) {
  return a.what == b.what && a.answer == b.answer && a.error_value == b.error_value &&
         a.error_category == b.error_category;
}

// What an operation is expected to do with no fault at all.
bool is_expected_dry_outcome(const operation& op, const outcome& result) {
  switch (op.goal) {
    case purpose::acquire:
    case purpose::release:
      return result.what == outcome::kind::success;
    case purpose::wait_in_vain:
      return result.what == outcome::kind::error;
    case purpose::inspect:
    case purpose::unforced_break:
      return result.what == outcome::kind::success && !result.answer.empty();
  }
  return false;
}

// What an operation may report when the file seems gone: the lock lost, a
// wait that timed out on a record we no longer recognise as ours.
bool is_gone_error(const outcome& result) {
  return result.has_error(errc::lock_lost) || result.has_error(errc::timeout);
}

// An error must say what went wrong: the injected errno, or what the
// operation reports without any fault (a timeout while a live holder holds).
void judge_error(const outcome& result, const case_report& dry, int error,
                 std::vector<std::string>& problems) {
  if (result.message.empty() || result.message.rfind("Unknown error", 0) == 0)
    problems.push_back("unclear error: " + result.text());
  const bool expected = is_system_error(result, error) || same_outcome(result, dry.result) ||
                        (reads_as_gone(error) && is_gone_error(result));
  if (!expected)
    problems.push_back("reports " + result.text() + " for an injected " + errno_name(error));
}

std::vector<std::string> judge_outcome(const operation& op, const case_report& dry,
                                       const case_report& faulted, int error) {
  std::vector<std::string> problems;
  const outcome& result = faulted.result;
  if (result.what == outcome::kind::strange)
    problems.push_back("threw an exception that carries no error code: " + result.message);
  if (result.what == outcome::kind::error) judge_error(result, dry, error, problems);
  if (error == EINTR) {
    // Interrupted calls are repeated: an interruption must change nothing.
    if (!same_outcome(result, dry.result))
      problems.push_back("an interrupted call changed the outcome: " + result.text() +
                         " instead of " + dry.result.text());
  } else if (!reads_as_gone(error)) {
    if (result.what == outcome::kind::declined && op.goal == purpose::acquire)
      problems.push_back("try_lock() declined a lock nobody holds, without an error");
    if (result.what == outcome::kind::success && result.answer != dry.result.answer)
      problems.push_back("answered " + result.answer + " without an error; the truth is " +
                         dry.result.answer);
  }
  if (!faulted.unrecovered.empty() && !reads_as_gone(error))
    problems.push_back("not recoverable while the faulting process runs: " + faulted.unrecovered);
  if (faulted.milliseconds > op.time_limit.count())
    problems.push_back("took " + std::to_string(faulted.milliseconds) + " ms (limit " +
                       std::to_string(op.time_limit.count()) + " ms)");
  return problems;
}

std::string names_of(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

options plain_options(const operation& op, const case_setup& setup) {
  options opts = options_for(op, setup);
  opts.timeout.reset();
  return opts;
}

// Temporaries may outlive a failed step only because waiters sweep those of
// dead processes (README "Known limits"): one acquisition that waits,
// in a process that has not swept this directory yet, must remove them.
void check_swept(const operation& op, const case_setup& setup, std::vector<std::string>& problems) {
  const options opts = plain_options(op, setup);
  UUIDFileLock holder(setup.lock, opts);
  std::error_code ec;
  if (!holder.try_lock_for(kRecoveryWait, ec)) {
    problems.push_back("the sweep could not be checked: the lock is not free (" + ec.message() +
                       ")");
    return;
  }
  std::thread([&] {
    UUIDFileLock waiter(setup.lock, opts);
    std::error_code ignored;
    waiter.try_lock_for(kSweepingWait, ignored);
  }).join();
  holder.release(ec);
}

// Once the faulting process has exited, whatever it left must not keep the
// lock from anybody.
void check_recoverable_after_exit(const operation& op, const case_setup& setup,
                                  std::vector<std::string>& problems) {
  if (!std::filesystem::exists(std::filesystem::symlink_status(setup.lock))) return;
  UUIDFileLock fresh(setup.lock, plain_options(op, setup));
  std::error_code ec;
  if (!fresh.try_lock_for(kRecoveryWait, ec)) {
    problems.push_back("not recoverable even after the faulting process exited" +
                       (ec ? ": " + ec.message() : std::string()));
    return;
  }
  fresh.release(ec);
}

// The test's directories, on tmpfs where there is one: the durable mode's
// fsyncs then cost nothing, and nothing here measures the disk.
class scratch_directory {
 public:
  scratch_directory() {
    const std::filesystem::path shm = "/dev/shm";
    std::error_code ec;
    const std::filesystem::path base =
        std::filesystem::is_directory(shm, ec) && ::access(shm.c_str(), W_OK) == 0
            ? shm
            : std::filesystem::temp_directory_path();
    std::string name = (base / "uuid-filelock-fault-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  ~scratch_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_directory(const scratch_directory&) = delete;
  scratch_directory& operator=(const scratch_directory&) = delete;

  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

class Faults : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  // The simulated filesystem is the parent's too: the children inherit it,
  // and the checks after each case see what they saw.
  void SetUp() override {
    set_unnamed_files_supported(settings().unnamed_files);
    warm_process_wide_caches();
  }
  void TearDown() override { set_unnamed_files_supported(true); }

  const operation& op() const { return operation_named(std::get<0>(GetParam())); }
  const mode& settings() const { return mode_named(std::get<1>(GetParam())); }

  // What the library looks up once per process (whether /proc/self/fd
  // exists, say) is looked up here, before the first child: every child
  // then inherits it, and the dry run makes the calls every case makes.
  void warm_process_wide_caches() {
    std::filesystem::create_directories(root_ / "warm");
    const case_setup setup{
        root_ / "warm" / "parent.lock", {}, settings().advisory, settings().durability};
    UUIDFileLock warm(setup.lock, plain_options(op(), setup));
    std::error_code ignored;
    if (warm.try_lock(ignored)) warm.release(ignored);
  }

  // A lock alone in a new directory under the test's one.
  case_setup fresh_setup() {
    const std::filesystem::path directory = root_ / ("case-" + std::to_string(++cases_));
    std::filesystem::create_directory(directory);
    std::filesystem::create_directories(root_ / "warm");
    return {directory / "app.lock", root_ / "warm" / "warm.lock", settings().advisory,
            settings().durability};
  }

  // Runs the operation in a child process and reports what it did; a crash
  // or a hang is one of the problems.
  case_report run_in_child(const case_setup& setup, const std::optional<fault_plan>& plan) {
    const operation& operation = op();
    const isolated_result run =
        run_isolated([&] { return run_case(operation, setup, plan).serialize(); }, kCaseLimit);
    case_report report = case_report::parse(run.output);
    if (!run.completed) report.problems.push_back(run.ending);
    return report;
  }

  struct verdict {
    std::vector<std::string> problems;
    bool fired = false;           // the fault was injected
    bool left_temporary = false;  // a temporary stayed for the sweep
  };

  // Every problem of one faulted case: the child's, the outcome's, and what
  // the directory holds once every object let go and the child exited.
  verdict judge_case(const case_report& dry, const fault_plan& plan) {
    const case_setup setup = fresh_setup();
    const case_report faulted = run_in_child(setup, plan);
    verdict result{faulted.problems, faulted.fired, !faulted.leftovers.empty()};
    std::vector<std::string>& problems = result.problems;
    for (std::string& problem : judge_outcome(op(), dry, faulted, plan.error))
      problems.push_back(std::move(problem));
    if (result.left_temporary) check_swept(op(), setup, problems);
    check_recoverable_after_exit(op(), setup, problems);
    const std::set<std::string> left = test::TempDir::entries_of(setup.lock.parent_path());
    if (!left.empty()) {
      problems.push_back("left " + names_of(left) +
                         (result.left_temporary ? ", even after a waiting acquisition" : ""));
    }
    return result;
  }

  scratch_directory root_;
  int cases_ = 0;
};

TEST_P(Faults, EachCallFailedWithEachPlausibleError) {
  const case_report dry = run_in_child(fresh_setup(), std::nullopt);
  for (const std::string& problem : dry.problems) ADD_FAILURE() << "dry run: " << problem;
  ASSERT_TRUE(dry.problems.empty());
  ASSERT_TRUE(dry.unrecovered.empty()) << dry.unrecovered;
  ASSERT_TRUE(dry.leftovers.empty());
  ASSERT_TRUE(is_expected_dry_outcome(op(), dry.result)) << dry.result.text();
  ASSERT_FALSE(dry.calls.empty()) << "no wrapped call was seen: are the wrappers linked?";
  if (std::getenv("UUID_FILELOCK_FAULT_SHOW_CALLS") != nullptr) {
    for (const recorded_call& call : dry.calls)
      std::cout << "  " << call.function << "(" << call.detail << ") #" << call.occurrence << "\n";
  }

  int cases = 0, unreached = 0, swept = 0, failed = 0;
  for (const recorded_call& call : dry.calls) {
    for (const int error : plausible_errors(call)) {
      ++cases;
      const verdict result = judge_case(dry, {call.function, call.occurrence, error});
      // A call made only in some runs (a wait's probes are timed) may not
      // come again; that case then ran without its fault.
      if (!result.fired) ++unreached;
      if (result.left_temporary) ++swept;
      if (!result.problems.empty()) ++failed;
      for (const std::string& problem : result.problems)
        ADD_FAILURE() << op().name << " (" << settings().name << "), "
                      << describe_fault(call, error) << ": " << problem;
    }
  }
  std::cout << "[ faults   ] " << op().name << " (" << settings().name << "): " << dry.calls.size()
            << " calls, " << cases << " cases, " << unreached << " not reached, " << swept
            << " left temporaries for the sweep, " << failed << " failed\n";
}

std::string case_name(const ::testing::TestParamInfo<std::tuple<std::string, std::string>>& info) {
  return std::get<0>(info.param) + "_" + std::get<1>(info.param);
}

// Every operation with every mode that applies to it.
std::vector<std::tuple<std::string, std::string>> operations_and_modes() {
  std::vector<std::tuple<std::string, std::string>> pairs;
  for (const operation& op : operations()) {
    for (const mode& m : kModes) {
      if (mode_applies(m, op)) pairs.emplace_back(op.name, m.name);
    }
  }
  return pairs;
}

INSTANTIATE_TEST_SUITE_P(Operations, Faults, ::testing::ValuesIn(operations_and_modes()),
                         case_name);

}  // namespace
}  // namespace uuid_filelock::fault
