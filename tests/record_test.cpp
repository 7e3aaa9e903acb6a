#include <gtest/gtest.h>

#include <chrono>

#include "../src/common/record.hpp"

namespace uuid_filelock::detail {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUuid = "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b";

TEST(Record, FormatIsVersionedWithTheUuidFirst) {
  const auto at = std::chrono::system_clock::time_point(1795737540s + 123456us);
  EXPECT_EQ(format_record(kUuid, {1234, "build-host"}, at),
            std::string(kUuid) +
                "\n"
                "format=uuid-filelock/1\n"
                "pid=1234\n"
                "host=build-host\n"
                "acquired_at=2026-11-26T23:59:00.123456Z\n");
}

TEST(Record, TimesBeforeTheEpochFormatCorrectly) {
  const auto at = std::chrono::system_clock::time_point(-1s);
  EXPECT_NE(format_record(kUuid, {1, "h"}, at).find("acquired_at=1969-12-31T23:59:59.000000Z\n"),
            std::string::npos);
}

TEST(Record, HostnameCannotForgeExtraLines) {
  const std::string record =
      format_record(kUuid, {1, "evil\npid=1"}, std::chrono::system_clock::time_point{});
  EXPECT_NE(record.find("host=evil?pid=1\n"), std::string::npos);
}

TEST(Record, UuidIsReadFromTheFirstLine) {
  EXPECT_EQ(record_uuid(format_record(kUuid, {1, "h"}, {})), kUuid);
}

TEST(Record, UuidOnlyRecordsOfTheOriginalPythonDesignAreRead) {
  EXPECT_EQ(record_uuid(kUuid), kUuid);
  EXPECT_EQ(record_uuid(std::string(kUuid) + "\r\n"), kUuid);
  EXPECT_EQ(record_uuid("0B8E4F6A-1D2C-4E5F-8A9B-0C1D2E3F4A5B"), kUuid);
}

TEST(Record, AnythingElseHasNoUuid) {
  EXPECT_EQ(record_uuid(""), "");
  EXPECT_EQ(record_uuid("\n"), "");
  EXPECT_EQ(record_uuid("garbage"), "");
  EXPECT_EQ(record_uuid(std::string(kUuid).substr(0, 35)), "");  // truncated
  EXPECT_EQ(record_uuid("0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5bX"), "");
  EXPECT_EQ(record_uuid("0b8e4f6a11d2c-4e5f-8a9b-0c1d2e3f4a5b"), "");
  EXPECT_EQ(record_uuid("0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5g"), "");
  EXPECT_EQ(record_uuid(std::string("pid=1\n") + kUuid), "");
}

}  // namespace
}  // namespace uuid_filelock::detail
