// Programs run without the power to ignore file permissions, so that a
// directory without write permission refuses them (root's would not).
#pragma once

#include <string>
#include <vector>

namespace uuid_filelock::test {

// Sets `prefix` to the words that go before a program and its arguments to
// run it unprivileged (none for an ordinary user; for root, setpriv to the
// user "nobody") and returns ""; or returns why it cannot be done here.
std::string unprivileged_prefix(std::vector<std::string>& prefix);

}  // namespace uuid_filelock::test
