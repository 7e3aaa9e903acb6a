#include "case_report.hpp"

#include <sstream>

namespace uuid_filelock::fault {
namespace {

// One field per line, tab-separated: no field may carry either.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  return text;
}

const char* kind_name(outcome::kind what) {
  switch (what) {
    case outcome::kind::success:
      return "success";
    case outcome::kind::declined:
      return "declined";
    case outcome::kind::error:
      return "error";
    case outcome::kind::strange:
      return "strange";
  }
  return "?";
}

outcome::kind kind_named(const std::string& name) {
  if (name == "declined") return outcome::kind::declined;
  if (name == "error") return outcome::kind::error;
  if (name == "strange") return outcome::kind::strange;
  return outcome::kind::success;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

}  // namespace

std::string outcome::text() const {
  std::string text = kind_name(what);
  if (what == kind::error || what == kind::strange)
    text += " " + error_category + ":" + std::to_string(error_value) + " \"" + message + "\"";
  if (!answer.empty()) text += " answer=" + answer;
  return text;
}

std::string case_report::serialize() const {
  std::ostringstream out;
  out << "outcome\t" << kind_name(result.what) << '\t' << result.error_value << '\t'
      << one_line(result.error_category) << '\t' << one_line(result.message) << '\t'
      << one_line(result.answer) << '\n';
  out << "fired\t" << (fired ? 1 : 0) << '\n';
  out << "milliseconds\t" << milliseconds << '\n';
  for (const recorded_call& call : calls) {
    out << "call\t" << call.function << '\t' << one_line(call.detail) << '\t' << call.traits << '\t'
        << call.occurrence << '\n';
  }
  for (const std::string& problem : problems) out << "problem\t" << one_line(problem) << '\n';
  for (const std::string& name : leftovers) out << "leftover\t" << one_line(name) << '\n';
  if (!unrecovered.empty()) out << "unrecovered\t" << one_line(unrecovered) << '\n';
  return out.str();
}

case_report case_report::parse(const std::string& text) {
  case_report report;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = split_fields(line);
    const std::string& tag = fields[0];
    if (tag == "outcome" && fields.size() == 6) {
      report.result.what = kind_named(fields[1]);
      report.result.error_value = std::stoi(fields[2]);
      report.result.error_category = fields[3];
      report.result.message = fields[4];
      report.result.answer = fields[5];
    } else if (tag == "fired" && fields.size() == 2) {
      report.fired = fields[1] == "1";
    } else if (tag == "milliseconds" && fields.size() == 2) {
      report.milliseconds = std::stoll(fields[1]);
    } else if (tag == "call" && fields.size() == 5) {
      report.calls.push_back({fields[1], fields[2], static_cast<unsigned>(std::stoul(fields[3])),
                              std::stoi(fields[4])});
    } else if (tag == "problem" && fields.size() == 2) {
      report.problems.push_back(fields[1]);
    } else if (tag == "leftover" && fields.size() == 2) {
      report.leftovers.push_back(fields[1]);
    } else if (tag == "unrecovered" && fields.size() == 2) {
      report.unrecovered = fields[1];
    } else {
      report.problems.push_back("unreadable report line: " + line);
    }
  }
  return report;
}

}  // namespace uuid_filelock::fault
