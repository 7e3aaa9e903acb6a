#include "printable.hpp"

#include <cstddef>

namespace uuid_filelock::tool {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The length of the valid UTF-8 sequence that starts `text` at `at`, or 0 if
// none does. Overlong forms, surrogates and code points beyond U+10FFFF count
// as invalid: a terminal or a later decoder might read them differently (an
// overlong ESC is an ESC to a lax decoder).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  // The bounds of the second byte, narrowed for some lead bytes to rule out
  // overlong forms, surrogates and code points beyond U+10FFFF.
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;  // a continuation byte, an overlong lead (C0, C1) or F5..FF
  }
  if (text.size() - at < length) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
  }
  return length;
}

// C0, DEL, and C1 (U+0080..U+009F, encoded as C2 80..C2 9F): the characters
// a terminal acts on instead of showing.
bool is_control(std::string_view sequence) {
  const auto lead = static_cast<unsigned char>(sequence[0]);
  if (sequence.size() == 1) return lead < 0x20 || lead == 0x7F;
  return sequence.size() == 2 && lead == 0xC2 && static_cast<unsigned char>(sequence[1]) <= 0x9F;
}

void append_escaped(std::string& out, unsigned char byte) {
  constexpr const char* kHex = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0F];
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t length = utf8_sequence_length(text, at);
    // An invalid byte is escaped alone, and decoding resumes at the next
    // one: a valid character after it is not swallowed.
    const std::string_view sequence = text.substr(at, length == 0 ? 1 : length);
    if (length == 0 || is_control(sequence)) {
      for (const char c : sequence) append_escaped(out, static_cast<unsigned char>(c));
    } else if (sequence == "\\") {
      out += "\\\\";
    } else {
      out += sequence;
    }
    at += sequence.size();
  }
  return out;
}

std::string printable_path(const std::filesystem::path& path) {
  const std::string text = path.u8string();
  // Windows' separator is a backslash, which no file name there holds: kept
  // single, a path reads as typed and can be pasted back. (A plain if, not
  // if constexpr: both branches stay compiled and checked on every system.)
  const auto separator = static_cast<char>(std::filesystem::path::preferred_separator);
  if (separator != '\\') return printable(text);
  std::string out;
  std::size_t begin = 0;
  for (std::size_t end = text.find(separator); end != std::string::npos;
       begin = end + 1, end = text.find(separator, begin)) {
    out += printable(std::string_view(text).substr(begin, end - begin));
    out += separator;
  }
  return out + printable(std::string_view(text).substr(begin));
}

}  // namespace uuid_filelock::tool
