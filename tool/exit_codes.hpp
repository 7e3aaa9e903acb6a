// The tool's exit codes: scripts depend on them (sysexits.h values where one
// fits).
#pragma once

namespace uuid_filelock::tool {

enum exit_code : int {
  kOk = 0,
  kRefused = 1,      // status: held; release: wrong token; break: live holder
  kStale = 3,        // status: a dead holder's lock
  kUsage = 64,       // EX_USAGE
  kLockError = 74,   // EX_IOERR: the lock itself failed (path, permission...)
  kTimeout = 75,     // EX_TEMPFAIL: not acquired in time, try again later
  kCannotRun = 127,  // the shell's "command not found"
};

}  // namespace uuid_filelock::tool
