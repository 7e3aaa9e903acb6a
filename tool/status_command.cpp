#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "holder_text.hpp"
#include "printable.hpp"
#include "uuid_filelock/inspect.hpp"

namespace uuid_filelock::tool {
namespace {

// The version of the JSON object's keys and types (documented in the man
// page): raised when a key changes meaning or type, not when one is added.
constexpr int kJsonSchema = 1;

const char* state_name(lock_state state) {
  switch (state) {
    case lock_state::free:
      return "free";
    case lock_state::held:
      return "held";
    case lock_state::stale:
      return "stale";
  }
  return "unknown";
}

nlohmann::json as_json(const settings& s, const lock_status& status) {
  // Absent facts are null, never an empty string or 0 that a script might
  // take for a real value.
  const auto text_or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::json() : nlohmann::json(text);
  };
  nlohmann::json out;
  out["schema"] = kJsonSchema;
  out["state"] = state_name(status.state);
  out["path"] = std::filesystem::absolute(s.lock_file).string();
  out["uuid"] = text_or_null(status.uuid);
  out["pid"] = status.pid ? nlohmann::json(*status.pid) : nlohmann::json();
  out["host"] = text_or_null(status.host);
  out["acquired_at"] = text_or_null(status.acquired_at);
  out["age_seconds"] = status.state == lock_state::free
                           ? nlohmann::json()
                           : nlohmann::json(std::chrono::duration<double>(status.age).count());
  out["detached"] = status.detached;
  out["owner_pid"] =
      status.companion_pid ? nlohmann::json(*status.companion_pid) : nlohmann::json();
  out["description"] = text_or_null(status.description);
  return out;
}

}  // namespace

int status_command(const settings& s, bool json) {
  std::error_code ec;
  const lock_status status = inspect_lock(s.lock_file, lock_options(s), ec);
  if (ec) {
    report_error(s.lock_file, ec);
    return kLockError;
  }
  if (json) {
    // Hosts and paths come from other machines' records and may hold any
    // bytes: invalid UTF-8 is replaced rather than failing the whole report,
    // and everything but ASCII is escaped, so that no control character
    // (C1 ones and DEL included) reaches a terminal the JSON is shown on.
    std::cout << as_json(s, status).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    // Every field of the record may be forged: none is printed raw.
    std::cout << describe_holder(status);
    if (!status.uuid.empty()) std::cout << " (uuid " << printable(status.uuid) << ")";
    if (!status.acquired_at.empty()) std::cout << ", acquired " << printable(status.acquired_at);
    std::cout << "\n";
  }
  switch (status.state) {
    case lock_state::free:
      return kOk;
    case lock_state::held:
      return kRefused;
    case lock_state::stale:
      return kStale;
  }
  return kLockError;
}

}  // namespace uuid_filelock::tool
