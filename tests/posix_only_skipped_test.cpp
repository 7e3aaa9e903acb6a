// posix_only_test.cpp's cases on Windows: skipped, each with why.
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace uuid_filelock {
namespace {

TEST_F(Lock, DeadRecordHardLinkedToItsBreakMarkerIsTakenOverWithoutRecursion) {
  GTEST_SKIP() << "a dead holder is left by a fork()ed child (Windows has no fork), and Windows "
                  "breakers need no marker: they remove through the handle they checked";
}

TEST_F(Lock, NothingPlantedBesideADeadHoldersLockBlocksItsRecovery) {
  GTEST_SKIP() << "a dead holder is left by a fork()ed child (Windows has no fork), and Windows "
                  "breakers need no marker: they remove through the handle they checked";
}

TEST_F(Lock, TheBreakersRemovalPutsBackAFileThatReplacedTheStaleOne) {
  GTEST_SKIP() << "POSIX moves a stale file aside to check it; Windows checks the file through "
                  "the handle it renames it with, so nothing is ever put back";
}

TEST_F(Lock, AChildForkedWithoutAtforkHandlersNeverReleasesItsParentsLock) {
  GTEST_SKIP() << "Windows has no fork()";
}

TEST_F(Lock, AThreadHoldsTheLockAfterMainHasExited) {
  GTEST_SKIP() << "pthread_exit() in main and zombie thread-group leaders are POSIX's";
}

TEST_F(Lock, AnIdentityLookupThatFailedIsNotKept) {
  GTEST_SKIP() << "exhausts file descriptors with dup(); Windows handles have no such limit";
}

TEST_F(Lock, ModificationTimesFarOutOfRangeAreSaturated) {
  GTEST_SKIP() << "sets a time with utimensat(); the Windows conversion saturates the same way "
                  "(saturated_file_time)";
}

TEST_F(Errors, AFullFilesystemDoesNotStopRecovery) {
  GTEST_SKIP() << "mounts a 64 KiB tmpfs in a private mount namespace; Windows has no "
                  "per-process mounts";
}

TEST_F(Lock, ModeIsAppliedExactlyDespiteTheUmask) {
  GTEST_SKIP() << "Windows has no mode bits and no umask: the lock file inherits its "
                  "directory's ACL and options::mode is ignored";
}

TEST_F(Errors, PermissionDenied) {
  GTEST_SKIP() << "a directory this process cannot write to is made with an ACL on Windows, and "
                  "Wine does not enforce ACLs";
}

TEST_F(Errors, ReadOnlyFilesystem) {
  GTEST_SKIP() << "mounts a read-only tmpfs in a private mount namespace; Windows has no "
                  "per-process mounts";
}

TEST_F(Errors, DiskFullFailsAndLeavesNoTempFile) {
  GTEST_SKIP() << "mounts a 64 KiB tmpfs in a private mount namespace; Windows has no "
                  "per-process mounts";
}

TEST_F(Errors, FifoAtTheLockPathDoesNotBlock) {
  GTEST_SKIP() << "Windows has no FIFOs in the filesystem; its counterpart, a device name at the "
                  "lock path, is Errors.DeviceNameAtTheLockPathIsRefused";
}

TEST_F(Errors, DeviceAtTheLockPathIsNeverOpened) {
  GTEST_SKIP() << "POSIX device nodes; Windows device names are "
                  "Errors.DeviceNameAtTheLockPathIsRefused";
}

TEST_F(Errors, SocketAtTheLockPath) {
  GTEST_SKIP() << "a Unix-domain socket bound to a path is POSIX's (Wine has no AF_UNIX)";
}

}  // namespace
}  // namespace uuid_filelock
