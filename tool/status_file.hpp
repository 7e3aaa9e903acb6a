// `run --status-file`: what happened, in a file a script reads after the
// tool has exited, whatever exit statuses COMMAND itself uses.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace uuid_filelock::tool {

class status_file {
 public:
  // No path: nothing is written. The file is created (or emptied) at once,
  // before the lock is taken, so that a file that cannot be written fails the
  // tool before COMMAND runs, and a status of an earlier run is never read
  // for this one.
  explicit status_file(const std::string& path);

  // False once opening or writing the file has failed.
  bool written() const { return path_.empty() || out_.good(); }
  const std::filesystem::path& path() const { return path_; }

  // Writes `outcome` ("ran 0", "not-acquired"...) and a newline.
  void write(const std::string& outcome);

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

}  // namespace uuid_filelock::tool
