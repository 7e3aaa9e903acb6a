#include "operations.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "uuid_filelock/inspect.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::fault {

struct case_context {
  const case_setup& setup;
  options opts;
  std::optional<UUIDFileLock> subject;      // the object whose calls are faulted
  std::optional<UUIDFileLock> live_holder;  // holds the lock throughout, where one does
};

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// How long a fresh object may take to recover the lock after a case.
constexpr auto kRecoveryWait = 500ms;

constexpr const char* kTemporaryPrefix = ".uuid-filelock-";
constexpr const char* kTemporarySuffix = ".tmp";

outcome error_outcome(const std::error_code& ec, std::string message) {
  outcome result;
  result.what = outcome::kind::error;
  result.error_value = ec.value();
  result.error_category = ec.category().name();
  result.message = std::move(message);
  return result;
}

outcome acquisition_outcome(bool acquired, const std::error_code& ec) {
  if (ec) return error_outcome(ec, ec.message());
  outcome result;
  if (!acquired) result.what = outcome::kind::declined;
  return result;
}

outcome completion_outcome(const std::error_code& ec) {
  return ec ? error_outcome(ec, ec.message()) : outcome{};
}

outcome answer_outcome(std::string answer, const std::error_code& ec) {
  if (ec) return error_outcome(ec, ec.message());
  outcome result;
  result.answer = std::move(answer);
  return result;
}

const char* state_name(lock_state state) {
  switch (state) {
    case lock_state::free:
      return "free";
    case lock_state::held:
      return "held";
    case lock_state::stale:
      return "stale";
  }
  return "?";
}

const char* break_name(break_result result) {
  switch (result) {
    case break_result::removed:
      return "removed";
    case break_result::refused:
      return "refused";
    case break_result::nothing:
      return "nothing";
  }
  return "?";
}

// The operations. Each constructs its object inside the armed window, as a
// caller would right before using it.

outcome try_lock_once(case_context& c) {
  c.subject.emplace(c.setup.lock, c.opts);
  std::error_code ec;
  const bool acquired = c.subject->try_lock(ec);
  return acquisition_outcome(acquired, ec);
}

// lock() throws on failure (errc::timeout once options::timeout passes).
outcome lock_with_timeout(case_context& c) {
  c.subject.emplace(c.setup.lock, c.opts);
  try {
    c.subject->lock();
    return outcome{};
  } catch (const std::system_error& e) {
    return error_outcome(e.code(), e.what());
  } catch (const std::exception& e) {
    outcome result;
    result.what = outcome::kind::strange;
    result.message = e.what();
    return result;
  }
}

outcome release_held(case_context& c) {
  std::error_code ec;
  c.subject->release(ec);
  return completion_outcome(ec);
}

outcome inspect(case_context& c) {
  std::error_code ec;
  const lock_status status = inspect_lock(c.setup.lock, c.opts, ec);
  return answer_outcome(state_name(status.state), ec);
}

outcome break_unforced(case_context& c) {
  std::error_code ec;
  const break_result result = break_lock(c.setup.lock, c.opts, false, ec);
  return answer_outcome(break_name(result), ec);
}

// The first line of the lock file: the holder's token.
std::string token_on_disk(const std::filesystem::path& lock) {
  std::ifstream in(lock, std::ios::binary);
  std::string line;
  std::getline(in, line);
  return line;
}

// Whether an object on another thread (so that no same-thread shortcut
// answers for the protocol) gets the lock right now.
bool another_object_gets_in(const case_context& c) {
  bool acquired = false;
  std::thread([&] {
    UUIDFileLock other(c.setup.lock, c.opts);
    std::error_code ignored;
    acquired = other.try_lock(ignored);
  }).join();
  return acquired;
}

UUIDFileLock hold_on_another_thread(const case_context& c) {
  std::optional<UUIDFileLock> holder;
  std::thread([&] {
    holder.emplace(c.setup.lock, c.opts);
    std::error_code ignored;
    holder->try_lock(ignored);
  }).join();
  return std::move(*holder);
}

// A process that takes the lock and exits without releasing it: its file
// stays, its advisory lock goes with it.
bool leave_dead_holder(const case_context& c) {
  const pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) {
    UUIDFileLock holder(c.setup.lock, c.opts);
    std::error_code ignored;
    ::_exit(holder.try_lock(ignored) ? 0 : 1);
  }
  int status = 0;
  if (::waitpid(child, &status, 0) != child) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 && std::filesystem::exists(c.setup.lock);
}

// Identities, the /proc probe and the like are looked up once per process:
// looked up before arming, they stay out of the counted calls, which are
// then the same in every run of a case. (TryLockFreshProcess counts them.)
void warm_process_caches(const case_context& c) {
  UUIDFileLock warm(c.setup.warm_lock, c.opts);
  std::error_code ignored;
  if (warm.try_lock(ignored)) warm.release(ignored);
}

bool prepare_start_state(const operation& op, case_context& c, case_report& report) {
  switch (op.start) {
    case start_state::free:
    case start_state::fresh_process:
      return true;
    case start_state::live_holder:
      c.live_holder.emplace(hold_on_another_thread(c));
      if (c.live_holder->owns_lock()) return true;
      report.problems.push_back("setup: the live holder could not take the lock");
      return false;
    case start_state::dead_holder:
      if (leave_dead_holder(c)) return true;
      report.problems.push_back("setup: no dead holder's lock file");
      return false;
    case start_state::subject_holds: {
      c.subject.emplace(c.setup.lock, c.opts);
      std::error_code ec;
      if (c.subject->try_lock(ec)) return true;
      report.problems.push_back("setup: the object could not take the lock: " + ec.message());
      return false;
    }
  }
  return false;
}

bool subject_holds(const case_context& c) { return c.subject && c.subject->owns_lock(); }

// Success must mean held, failure not held; and held means held alone.
void check_acquisition(const case_context& c, const outcome& result, case_report& report) {
  const bool holds = subject_holds(c);
  if (result.what == outcome::kind::success && !holds)
    report.problems.push_back("reported success but does not hold the lock");
  if (result.what != outcome::kind::success && holds)
    report.problems.push_back("reported " + result.text() + " but holds the lock");
  if (!holds) return;
  if (token_on_disk(c.setup.lock) != c.subject->token())
    report.problems.push_back("holds the lock, but the lock file carries another token");
  if (another_object_gets_in(c))
    report.problems.push_back("two holders: another object took the lock while this one held it");
}

// A live holder's lock survives whatever happened to the others' calls.
void check_live_holder_kept(const case_context& c, case_report& report) {
  if (!c.live_holder) return;
  if (!c.live_holder->owns_lock() || token_on_disk(c.setup.lock) != c.live_holder->token())
    report.problems.push_back("the live holder's lock file is gone or replaced");
  if (subject_holds(c))
    report.problems.push_back("two holders: the object took the lock a live holder holds");
}

// Released means the file is gone; lock_lost means not held any more; any
// other error means still held, so that release() can be retried, unless
// the file is gone already (only flushing its directory failed): then the
// lock is free for anyone, and must not be held any more either.
void check_release(const case_context& c, const outcome& result, case_report& report) {
  const bool holds = subject_holds(c);
  const bool file_there = std::filesystem::exists(c.setup.lock);
  if (result.what == outcome::kind::success) {
    if (holds) report.problems.push_back("released, but still holds the lock");
    if (file_there) report.problems.push_back("released, but the lock file is still there");
  } else if (result.has_error(errc::lock_lost)) {
    if (holds) report.problems.push_back("reported lock_lost, but still holds the lock");
  } else if (!holds) {
    if (file_there)
      report.problems.push_back("release failed (" + result.text() +
                                ") and gave up the lock while its file is still there: it "
                                "cannot be retried");
  } else if (token_on_disk(c.setup.lock) != c.subject->token()) {
    // Still held, by this object's account: then nobody else may take it.
    report.problems.push_back("release failed (" + result.text() +
                              ") and still holds the lock, but its lock file is gone: anybody "
                              "can take the lock meanwhile");
  }
}

void check_state_after(const operation& op, const case_context& c, const outcome& result,
                       case_report& report) {
  switch (op.goal) {
    case purpose::acquire:
      check_acquisition(c, result, report);
      break;
    case purpose::release:
      check_release(c, result, report);
      break;
    case purpose::wait_in_vain:
    case purpose::inspect:
    case purpose::unforced_break:
      break;
  }
  check_live_holder_kept(c, report);
}

// Ends every hold of the case; the object under test first, so that a lock
// it still holds after a failed release() is released (retried) here.
void let_go(case_context& c, case_report& report) {
  std::error_code ec;
  if (subject_holds(c)) {
    c.subject->release(ec);
    if (ec) report.problems.push_back("releasing after the operation failed: " + ec.message());
  }
  c.subject.reset();
  if (c.live_holder) {
    c.live_holder->release(ec);
    if (ec) report.problems.push_back("the live holder's release failed: " + ec.message());
    c.live_holder.reset();
  }
}

bool is_temporary_name(const std::string& name) {
  const std::string prefix = kTemporaryPrefix, suffix = kTemporarySuffix;
  return name.size() > prefix.size() + suffix.size() &&
         name.compare(0, prefix.size(), prefix) == 0 &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Besides the lock file, only temporaries may stay, and only for a later
// sweep (which the test then checks); anything else is a leftover.
void note_leftovers(const case_context& c, case_report& report) {
  for (const auto& entry : std::filesystem::directory_iterator(c.setup.lock.parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name == c.setup.lock.filename().string()) continue;
    if (is_temporary_name(name)) {
      report.leftovers.push_back(name);
    } else {
      report.problems.push_back("left " + name + " in the lock directory");
    }
  }
}

// Once every object of the case has let go, a fresh object in the same,
// still running, process must get the lock: nothing may keep it held.
void check_recoverable(const case_context& c, case_report& report) {
  UUIDFileLock fresh(c.setup.lock, c.opts);
  std::error_code ec;
  if (!fresh.try_lock_for(kRecoveryWait, ec)) {
    report.unrecovered = "a fresh object did not get the lock within " +
                         std::to_string(kRecoveryWait.count()) + " ms" +
                         (ec ? " (" + ec.message() + ")" : std::string());
    return;
  }
  fresh.release(ec);
  if (ec) report.problems.push_back("the recovered lock could not be released: " + ec.message());
}

}  // namespace

const std::vector<operation>& operations() {
  static const std::vector<operation> table{
      {"TryLockFree", start_state::free, purpose::acquire, 5ms, std::nullopt, 1000ms,
       try_lock_once},
      // The first acquisition of a process also looks up who it is (pid,
      // start time, boot), which a later one takes from a cache.
      {"TryLockFreshProcess", start_state::fresh_process, purpose::acquire, 5ms, std::nullopt,
       1000ms, try_lock_once},
      {"LockFreeWithTimeout", start_state::free, purpose::acquire, 5ms, 300ms, 1300ms,
       lock_with_timeout},
      {"LockHeldWithTimeout", start_state::live_holder, purpose::wait_in_vain, 10ms, 25ms, 1000ms,
       lock_with_timeout},
      {"TryLockDeadHolder", start_state::dead_holder, purpose::acquire, 5ms, std::nullopt, 1000ms,
       try_lock_once},
      {"Release", start_state::subject_holds, purpose::release, 5ms, std::nullopt, 1000ms,
       release_held},
      {"InspectFree", start_state::free, purpose::inspect, 5ms, std::nullopt, 1000ms, inspect},
      {"InspectHeld", start_state::live_holder, purpose::inspect, 5ms, std::nullopt, 1000ms,
       inspect},
      {"InspectDeadHolder", start_state::dead_holder, purpose::inspect, 5ms, std::nullopt, 1000ms,
       inspect},
      {"BreakDeadHolder", start_state::dead_holder, purpose::unforced_break, 5ms, std::nullopt,
       1000ms, break_unforced},
      {"BreakLiveHolder", start_state::live_holder, purpose::unforced_break, 5ms, std::nullopt,
       1000ms, break_unforced},
  };
  return table;
}

const operation& operation_named(const std::string& name) {
  for (const operation& op : operations()) {
    if (op.name == name) return op;
  }
  throw std::invalid_argument("no operation named " + name);
}

options options_for(const operation& op, const case_setup& setup) {
  options opts;
  opts.advisory = setup.advisory;
  opts.durability = setup.durability;
  opts.retry_interval = op.retry_interval;
  if (op.timeout) opts.timeout = *op.timeout;
  return opts;
}

case_report run_case(const operation& op, const case_setup& setup,
                     const std::optional<fault_plan>& plan) {
  case_report report;
  case_context c{setup, options_for(op, setup), std::nullopt, std::nullopt};
  if (op.start != start_state::fresh_process) warm_process_caches(c);
  if (!prepare_start_state(op, c, report)) return report;

  arm(plan);
  const steady::time_point start = steady::now();
  report.result = op.run(c);
  report.milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start).count();
  armed_record record = disarm();
  report.calls = std::move(record.calls);
  report.fired = record.fired;

  check_state_after(op, c, report.result, report);
  let_go(c, report);
  note_leftovers(c, report);
  check_recoverable(c, report);
  return report;
}

}  // namespace uuid_filelock::fault
