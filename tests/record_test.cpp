#include <gtest/gtest.h>

#include <chrono>

#include "../src/common/record.hpp"
#include "uuid_filelock/options.hpp"

namespace uuid_filelock::detail {
namespace {

using namespace std::chrono_literals;
using kind = holder_record::kind;

constexpr const char* kUuid = "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b";

const process_identity kHolder{
    1234, 987654, "build-host", "machine-abc", "boot-xyz", "pid:[4026531836]", "build-tool"};

record_flags flags(bool advisory) {
  record_flags f;
  f.advisory = advisory;
  return f;
}
const record_flags kAdvisory = flags(true);
const record_flags kPlain = flags(false);

TEST(Record, FormatIsVersionedWithTheUuidFirst) {
  const auto at = std::chrono::system_clock::time_point(1795737540s + 123456us);
  EXPECT_EQ(format_record(kUuid, kHolder, kAdvisory, at),
            std::string(kUuid) +
                "\n"
                "format=uuid-filelock/1\n"
                "pid=1234\n"
                "start=987654\n"
                "host=build-host\n"
                "machine=machine-abc\n"
                "boot=boot-xyz\n"
                "pidns=pid:[4026531836]\n"
                "advisory=1\n"
                "acquired_at=2026-11-26T23:59:00.123456Z\n");
}

TEST(Record, TimestampsHaveFixedWidthSoRecordsCanBeRewrittenInPlace) {
  const auto a =
      format_record(kUuid, kHolder, kAdvisory, std::chrono::system_clock::time_point(1s));
  const auto b = format_record(kUuid, kHolder, kAdvisory, std::chrono::system_clock::now());
  EXPECT_EQ(a.size(), b.size());
  EXPECT_NE(a.find("acquired_at=1970-01-01T00:00:01.000000Z\n"), std::string::npos);
}

TEST(Record, TimesBeforeTheEpochFormatCorrectly) {
  const auto at = std::chrono::system_clock::time_point(-1s);
  EXPECT_NE(
      format_record(kUuid, kHolder, kPlain, at).find("acquired_at=1969-12-31T23:59:59.000000Z"),
      std::string::npos);
}

TEST(Record, HostnameCannotForgeExtraLines) {
  process_identity evil = kHolder;
  evil.host = "evil\npid=1";
  const std::string record = format_record(kUuid, evil, kPlain, {});
  EXPECT_NE(record.find("host=evil?pid=1\n"), std::string::npos);
  EXPECT_EQ(parse_record(record, false).holder.pid, 1234u);
}

TEST(Record, DescriptionIsOneCappedPrintableLineWrittenAndRead) {
  record_flags described = kPlain;
  described.description = "nightly backup";
  EXPECT_EQ(parse_record(format_record(kUuid, kHolder, described, {}), false).description,
            "nightly backup");
  // No line of its own can be forged, and no control character printed.
  described.description = "evil\npid=1\x1b[2J";
  const std::string record = format_record(kUuid, kHolder, described, {});
  EXPECT_NE(record.find("\ndescription=evil?pid=1?[2J\n"), std::string::npos) << record;
  EXPECT_EQ(parse_record(record, false).holder.pid, 1234u);
  // Capped, but never within a UTF-8 character: 127 ASCII bytes and a
  // two-byte "ü" would end at byte 129.
  described.description = std::string(127, 'a') + "\xc3\xbc";
  EXPECT_EQ(record_description(described.description), std::string(127, 'a'));
  EXPECT_EQ(record_description(std::string(500, 'b')).size(), max_description_bytes);
  // A forged record's description is held to the same rules when read.
  const std::string forged = std::string(kUuid) +
                             "\nformat=uuid-filelock/1\ndescription=" + std::string(300, 'c') +
                             "\x07\n";
  EXPECT_EQ(parse_record(forged, false).description, std::string(128, 'c'));
  EXPECT_EQ(parse_record(format_record(kUuid, kHolder, kPlain, {}), false).description, "");
}

TEST(Record, ParsesWhatItFormats) {
  const holder_record parsed = parse_record(format_record(kUuid, kHolder, kAdvisory, {}), false);
  EXPECT_EQ(parsed.type, kind::full);
  EXPECT_EQ(parsed.uuid, kUuid);
  EXPECT_EQ(parsed.holder.pid, kHolder.pid);
  EXPECT_EQ(parsed.holder.start_time, kHolder.start_time);
  EXPECT_EQ(parsed.holder.host, kHolder.host);
  EXPECT_EQ(parsed.holder.machine_id, kHolder.machine_id);
  EXPECT_EQ(parsed.holder.boot_id, kHolder.boot_id);
  EXPECT_EQ(parsed.holder.pid_namespace, kHolder.pid_namespace);
  EXPECT_TRUE(parsed.advisory);
}

TEST(Record, UnknownKeysOfLaterVersionsAreSkipped) {
  const holder_record parsed = parse_record(
      std::string(kUuid) + "\nformat=uuid-filelock/1\nfuture=thing\npid=7\nnoequals\n", false);
  EXPECT_EQ(parsed.type, kind::full);
  EXPECT_EQ(parsed.holder.pid, 7u);
}

TEST(Record, UuidOnlyRecordsOfTheOriginalPythonDesign) {
  for (const std::string& bytes : {std::string(kUuid), std::string(kUuid) + "\r\n",
                                   std::string("0B8E4F6A-1D2C-4E5F-8A9B-0C1D2E3F4A5B"),
                                   std::string(kUuid) + "\nsomething else\n"}) {
    const holder_record parsed = parse_record(bytes, false);
    EXPECT_EQ(parsed.type, kind::uuid_only) << bytes;
    EXPECT_EQ(parsed.uuid, kUuid) << bytes;
  }
}

TEST(Record, EmptyOrCutShortWithinTheUuidIsIncomplete) {
  // What a record written in place looks like while it is being written.
  for (const std::string& bytes :
       {std::string(""), std::string("0"), std::string(kUuid).substr(0, 9),
        std::string(kUuid).substr(0, 35)}) {
    const holder_record parsed = parse_record(bytes, false);
    EXPECT_EQ(parsed.type, kind::incomplete) << bytes;
    EXPECT_EQ(parsed.uuid, "") << bytes;
  }
}

TEST(Record, AnythingElseIsForeign) {
  for (const std::string& bytes :
       {std::string("\n"), std::string("garbage"), std::string("root:x:0:0:root:/root:/bin/bash\n"),
        std::string(kUuid).substr(0, 35) + "\n",
        std::string("0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5bX"),
        std::string("0b8e4f6a11d2c-4e5f-8a9b-0c1d2e3f4a5b"),
        std::string("0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5g"), std::string("pid=1\n") + kUuid,
        std::string("\0", 1)}) {
    const holder_record parsed = parse_record(bytes, false);
    EXPECT_EQ(parsed.type, kind::foreign) << bytes;
    EXPECT_EQ(parsed.uuid, "") << bytes;
  }
}

TEST(Record, HeartbeatLineIsWrittenOnlyForHeartbeatingHolders) {
  EXPECT_EQ(format_record(kUuid, kHolder, kPlain, {}).find("heartbeat"), std::string::npos);
  record_flags beating = kPlain;
  beating.heartbeat = 4500ms;
  const std::string record = format_record(kUuid, kHolder, beating, {});
  EXPECT_NE(record.find("\nheartbeat_ms=4500\n"), std::string::npos) << record;
  const holder_record parsed = parse_record(record, false);
  ASSERT_TRUE(parsed.heartbeat.has_value());
  EXPECT_EQ(*parsed.heartbeat, 4500ms);
  EXPECT_FALSE(parse_record(format_record(kUuid, kHolder, kPlain, {}), false).heartbeat);
}

TEST(Record, HeartbeatBelowTheMinimumIsRaisedToIt) {
  const std::string record = std::string(kUuid) + "\nformat=uuid-filelock/1\nheartbeat_ms=1\n";
  ASSERT_TRUE(parse_record(record, false).heartbeat);
  EXPECT_EQ(*parse_record(record, false).heartbeat, uuid_filelock::min_heartbeat_stale_after);
}

TEST(Record, HeartbeatOfZeroOrGarbageIsNoHeartbeat) {
  // Zero would make the record stale at once; garbage reads as zero.
  for (const char* value : {"0", "", "x", "-5"}) {
    const std::string record =
        std::string(kUuid) + "\nformat=uuid-filelock/1\npid=1\nheartbeat_ms=" + value + "\n";
    EXPECT_FALSE(parse_record(record, false).heartbeat) << value;
  }
}

TEST(Record, TruncatedFilesAreForeign) {
  // Larger than any record: somebody's data, however it begins.
  EXPECT_EQ(parse_record(format_record(kUuid, kHolder, kAdvisory, {}), true).type, kind::foreign);
}

}  // namespace
}  // namespace uuid_filelock::detail
