// The subcommands; each returns the tool's exit code (exit_codes.hpp).
#pragma once

#include <string>
#include <vector>

#include "interface.hpp"
#include "settings.hpp"

namespace uuid_filelock::tool {

int run_command(const arguments& args);
int status_command(const settings& s, bool json);
int acquire_command(const arguments& args);
int release_command(const settings& s, const std::string& token);
int break_command(const settings& s, bool force);

}  // namespace uuid_filelock::tool
