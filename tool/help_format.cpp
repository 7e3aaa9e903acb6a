#include "help_format.hpp"

#include <algorithm>
#include <sstream>

namespace uuid_filelock::tool {
namespace {

// Descriptions never get narrower than this, however narrow the terminal:
// a column of two-word lines is harder to read than a wrapped terminal line.
constexpr std::size_t kNarrowestDescription = 30;

class wrapping : public CLI::Formatter {
 public:
  explicit wrapping(std::size_t width) : width_(width) {}

  std::string make_option_desc(const CLI::Option* opt) const override {
    return wrapped(CLI::Formatter::make_option_desc(opt), description_width());
  }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true),
                             wrapped(sub->get_description(), description_width()),
                             get_column_width());
    return out.str();
  }
  std::string make_description(const CLI::App* app) const override {
    return wrapped(CLI::Formatter::make_description(app), width_);
  }
  std::string make_footer(const CLI::App* app) const override {
    return wrapped(CLI::Formatter::make_footer(app), width_);
  }

 private:
  // CLI11 puts descriptions after a left column of get_column_width().
  std::size_t description_width() const {
    const std::size_t left = get_column_width();
    return std::max(kNarrowestDescription, width_ > left ? width_ - left : 0);
  }
  std::size_t width_;
};

void wrap_line(const std::string& line, std::size_t width, std::string& out) {
  std::istringstream words(line);
  std::string word;
  std::size_t column = 0;
  while (words >> word) {
    if (column > 0 && column + 1 + word.size() > width) {
      out += '\n';
      column = 0;
    }
    if (column > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
  }
}

}  // namespace

std::string wrapped(const std::string& text, std::size_t width) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (!first) out += '\n';
    first = false;
    // Indentation is kept: CLI11 indents its own description lines.
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    out.append(indent, ' ');
    wrap_line(line.substr(indent), width > indent ? width - indent : 1, out);
  }
  if (!text.empty() && text.back() == '\n') out += '\n';
  return out;
}

std::shared_ptr<CLI::Formatter> wrapping_formatter(std::size_t width) {
  return std::make_shared<wrapping>(width);
}

}  // namespace uuid_filelock::tool
