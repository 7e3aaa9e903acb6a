// Help text that fits the reader's terminal: CLI11 2.1 prints every
// description on one line, however long.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <memory>
#include <string>

namespace uuid_filelock::tool {

// `text` broken at spaces into lines of at most `width` columns (a word
// longer than that gets a line of its own); its own line breaks are kept.
std::string wrapped(const std::string& text, std::size_t width);

// A CLI11 formatter whose descriptions, subcommand lists and footers wrap at
// `width` columns.
std::shared_ptr<CLI::Formatter> wrapping_formatter(std::size_t width);

}  // namespace uuid_filelock::tool
