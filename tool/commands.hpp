// The subcommands; each returns the tool's exit code (exit_codes.hpp).
#pragma once

#include <string>
#include <vector>

#include "settings.hpp"

namespace uuid_filelock::tool {

int run_command(const settings& s, const std::vector<std::string>& command);
int status_command(const settings& s, bool json);
int acquire_command(const settings& s);
int release_command(const settings& s, const std::string& token);
int break_command(const settings& s, bool force);

}  // namespace uuid_filelock::tool
