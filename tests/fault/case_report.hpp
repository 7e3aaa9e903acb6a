// What one case (an operation, perhaps with one injected fault) did, as the
// child process that ran it reports it to the test, through a pipe, as text.
#pragma once

#include <string>
#include <system_error>
#include <vector>

#include "syscall_faults.hpp"

namespace uuid_filelock::fault {

struct outcome {
  enum class kind {
    success,   // acquired, released, answered
    declined,  // try_lock() returned false without an error
    error,     // an error code, or an exception carrying one
    strange,   // an exception that carries no error code
  };
  kind what = kind::success;
  int error_value = 0;
  std::string error_category;  // std::error_category::name()
  std::string message;         // the error's message, or the exception's what()
  std::string answer;          // inspect_lock's state, break_lock's result

  bool has_error(const std::error_code& code) const {
    return what == kind::error && error_value == code.value() &&
           error_category == code.category().name();
  }
  std::string text() const;
};

struct case_report {
  outcome result;
  bool fired = false;                  // the planned fault was injected
  long long milliseconds = 0;          // how long the operation took
  std::vector<recorded_call> calls;    // the wrapped calls it made
  std::vector<std::string> problems;   // what the child found wrong
  std::vector<std::string> leftovers;  // temporaries left for a later sweep
  std::string unrecovered;  // why a fresh object in the same process could not take the lock

  std::string serialize() const;
  static case_report parse(const std::string& text);
};

}  // namespace uuid_filelock::fault
