#include "holder_text.hpp"

#include "printable.hpp"

namespace uuid_filelock::tool {

std::string describe_holder(const lock_status& status) {
  switch (status.state) {
    case lock_state::free:
      return "free";
    case lock_state::held:
    case lock_state::stale:
      break;
  }
  std::string text = status.state == lock_state::held ? "held" : "stale, left";
  if (status.detached) text += " (detached)";
  if (status.pid) text += " by pid " + std::to_string(*status.pid);
  // A detached lock's companion is its owner; a held one's runs with the
  // holder (the tool's COMMAND).
  if (status.companion_pid)
    text += (status.detached ? " for owner pid " : " with pid ") +
            std::to_string(*status.companion_pid);
  if (!status.description.empty()) text += " (" + printable(status.description) + ")";
  if (!status.host.empty()) text += " on host " + printable(status.host);
  if (!status.pid && status.host.empty()) text += " by an unknown holder";
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(status.age).count();
  text += " for " + std::to_string(seconds) + " s";
  return text;
}

}  // namespace uuid_filelock::tool
