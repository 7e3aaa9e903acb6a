// Text the tool did not write itself, made safe to print. A lock record can
// be forged by anyone who may write to the lock's directory, and a file name
// there by the same people: printed raw, an ESC sequence in a host name could
// retitle, clear or rewrite the user's terminal.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace uuid_filelock::tool {

// `text` with every control character (C0 including NUL, ESC, CR, LF and
// TAB; DEL; C1, U+0080..U+009F, as UTF-8) and every byte that is not part of
// valid UTF-8 written as \xHH (lower-case hex, one per byte), and a backslash
// as \\, so that the escaped text reads back unambiguously. Valid printable
// UTF-8 ("hôte-ü") is left as it is.
std::string printable(std::string_view text);

// A path as printable() text. Escaped although the user typed it: scripts
// take it from variables and directory listings, and a co-user can give a
// file in a shared lock directory an ESC sequence for a name as easily as
// forge a record, while an ordinary path comes out unchanged. Taken in its
// UTF-8 form on every system, as the record's fields and `status --json`
// are (on Windows, string() gives the ANSI code page, whose accented
// letters are not UTF-8 and would come out escaped). Windows' separators
// stay single backslashes.
std::string printable_path(const std::filesystem::path& path);

}  // namespace uuid_filelock::tool
