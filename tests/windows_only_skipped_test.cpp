// windows_only_test.cpp's cases on POSIX: skipped, each with why.
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace uuid_filelock {
namespace {

TEST_F(Lock, HeldFileIsReadableButProtectedOnWindows) {
  GTEST_SKIP() << "POSIX has no share modes: whoever may write the directory may overwrite, "
                  "unlink or replace a held lock file, and release() then reports "
                  "errc::lock_lost (Lock.ReleaseAfter*)";
}

TEST_F(Lock, NamesDifferingOnlyInCaseAreOneLockOnWindows) {
  GTEST_SKIP() << "POSIX file names are case-sensitive: app.lock and APP.LOCK are two locks";
}

TEST_F(Errors, DeviceNameAtTheLockPathIsRefused) {
  GTEST_SKIP() << "reserved device names (NUL, CON, COM1...) are Windows'; a POSIX device or "
                  "FIFO at the lock path is Errors.FifoAtTheLockPathDoesNotBlock";
}

}  // namespace
}  // namespace uuid_filelock
