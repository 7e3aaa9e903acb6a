// Cases that exist only on Windows: share modes protect a held lock file,
// reserved device names, case-insensitive names. On POSIX
// windows_only_skipped_test.cpp lists them, skipped with why.
#include <gtest/gtest.h>
#include <windows.h>

#include <string>

#include "fixtures.hpp"
#include "support/temp_dir.hpp"
#include "support/try_lock_error.hpp"

namespace uuid_filelock {
namespace {

using test::read_file;
using test::write_file;

constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

// Opens `path` with `access` while sharing everything, as the friendliest
// other program would: what it cannot get, nobody gets.
DWORD open_error(const std::filesystem::path& path, DWORD access) {
  const HANDLE file =
      ::CreateFileW(path.c_str(), access, kShareAll, nullptr, OPEN_EXISTING, 0, nullptr);
  if (file == INVALID_HANDLE_VALUE) return ::GetLastError();
  ::CloseHandle(file);
  return ERROR_SUCCESS;
}

TEST_F(Lock, HeldFileIsReadableButProtectedOnWindows) {
  UUIDFileLock lock(path_, fast());
  lock.acquire();
  const std::string record = read_file(path_);
  EXPECT_EQ(record.substr(0, 36), lock.token());

  EXPECT_EQ(open_error(path_, GENERIC_READ), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(open_error(path_, GENERIC_WRITE), static_cast<DWORD>(ERROR_SHARING_VIOLATION));
  EXPECT_EQ(open_error(path_, DELETE), static_cast<DWORD>(ERROR_SHARING_VIOLATION));
  EXPECT_FALSE(::DeleteFileW(path_.c_str()));
  EXPECT_EQ(::GetLastError(), static_cast<DWORD>(ERROR_SHARING_VIOLATION));
  const auto moved = dir_ / "moved.lock";
  EXPECT_FALSE(::MoveFileExW(path_.c_str(), moved.c_str(), 0));
  EXPECT_EQ(::GetLastError(), static_cast<DWORD>(ERROR_SHARING_VIOLATION));
  const auto intruder = dir_ / "intruder";
  write_file(intruder, "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b\n");
  EXPECT_FALSE(::MoveFileExW(intruder.c_str(), path_.c_str(), MOVEFILE_REPLACE_EXISTING));
  EXPECT_EQ(::GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));

  EXPECT_EQ(read_file(path_), record);
  EXPECT_EQ(dir_.entries(), (std::set<std::string>{"app.lock", "intruder"}));
  lock.release();  // still ours: no errc::lock_lost
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"intruder"});
}

TEST_F(Lock, NamesDifferingOnlyInCaseAreOneLockOnWindows) {
  UUIDFileLock lower(dir_ / "app.lock", fast());
  ASSERT_TRUE(lower.try_lock());
  UUIDFileLock upper(dir_ / "APP.LOCK", fast());
  EXPECT_FALSE(upper.try_lock());
  lower.release();
  ASSERT_TRUE(upper.try_lock());
  EXPECT_EQ(read_file(dir_ / "app.lock").substr(0, 36), upper.token());
  upper.release();
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Errors, DeviceNameAtTheLockPathIsRefused) {
  // These name devices in every directory; opening one would talk to it.
  for (const char* name : {"NUL", "nul.lock", "CON", "com1.lock", "LPT1", "AUX.txt"}) {
    EXPECT_EQ(test::try_lock_error(dir_ / name), errc::not_a_regular_file) << name;
  }
  EXPECT_TRUE(dir_.entries().empty());
}

}  // namespace
}  // namespace uuid_filelock
