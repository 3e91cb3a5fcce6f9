#include "services/json_reader.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

using nlohmann::json;

TEST(JsonReaderTest, MissingAndNullFieldsGiveDefaults) {
  json body = {{"name", nullptr}, {"items", nullptr}};
  JsonReader reader("Op", body);
  EXPECT_EQ(reader.String("name"), "");
  EXPECT_EQ(reader.Int("count"), 0);
  EXPECT_TRUE(reader.Strings("items").empty());
  EXPECT_TRUE(reader.Objects("absent").empty());
  EXPECT_EQ(reader.Object("absent").String("x"), "");
  EXPECT_TRUE(reader.status().ok());
}

TEST(JsonReaderTest, IntegerOutOfIntRangeIsAnError) {
  json body = {{"count", 1LL << 40}};
  JsonReader reader("Op", body);
  EXPECT_EQ(reader.Int("count"), 0);
  EXPECT_EQ(reader.status().code(), StatusCode::kInternal);
  EXPECT_NE(reader.status().message().find("Op reply.count"), std::string::npos)
      << reader.status().message();
}

TEST(JsonReaderTest, NestedErrorsNameTheirPathAndTheFirstOneWins) {
  json body = {{"tasks", {{{"ok", "x"}}, {{"containers", {{{"name", 7}}}}}}}, {"bad", 1}};
  JsonReader reader("DescribeTasks", body);
  std::vector<JsonReader> tasks = reader.Objects("tasks");
  ASSERT_EQ(tasks.size(), 2u);
  std::vector<JsonReader> containers = tasks[1].Objects("containers");
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].String("name"), "");
  EXPECT_EQ(reader.String("bad"), "");  // a second error, not reported
  EXPECT_EQ(reader.status().message(),
            "DescribeTasks reply.tasks[1].containers[0].name is not a string");
}

TEST(JsonReaderTest, NonObjectRootIsAnError) {
  json body = json::array();
  JsonReader reader("ListTasks", body);
  EXPECT_EQ(reader.String("nextToken"), "");
  EXPECT_EQ(reader.status().code(), StatusCode::kInternal);
}

TEST(JsonReaderTest, StringListWithANonStringIsAnError) {
  json body = {{"taskArns", {"a", 1, "c"}}};
  JsonReader reader("ListTasks", body);
  EXPECT_EQ(reader.Strings("taskArns"), (std::vector<std::string>{"a", "c"}));
  EXPECT_NE(reader.status().message().find("taskArns[1]"), std::string::npos);
}

TEST(JsonReaderTest, OptionalIntTellsAbsentFromZero) {
  json body = {{"zero", 0}, {"null", nullptr}, {"code", 137}};
  JsonReader reader("Op", body);
  EXPECT_EQ(reader.OptionalInt("zero"), 0);
  EXPECT_EQ(reader.OptionalInt("code"), 137);
  EXPECT_EQ(reader.OptionalInt("null"), std::nullopt);
  EXPECT_EQ(reader.OptionalInt("absent"), std::nullopt);
  EXPECT_TRUE(reader.status().ok());
}

TEST(JsonReaderTest, OptionalIntOfTheWrongTypeIsAnError) {
  json body = {{"exitCode", "1"}};
  JsonReader reader("DescribeTasks", body);
  EXPECT_EQ(reader.OptionalInt("exitCode"), std::nullopt);
  EXPECT_EQ(reader.status().message(), "DescribeTasks reply.exitCode is not an integer");
}

TEST(JsonReaderTest, TimestampsRenderAsRfc3339UtcWithMilliseconds) {
  json body = {{"epoch", 0},
               {"integer", 1764106790},
               {"millis", 1764106805.457},
               {"micros", 1764106805.4569},
               {"late", 9000000000.999},
               {"null", nullptr}};
  JsonReader reader("Op", body);
  EXPECT_EQ(reader.Timestamp("epoch"), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(reader.Timestamp("integer"), "2025-11-25T21:39:50.000Z");
  EXPECT_EQ(reader.Timestamp("millis"), "2025-11-25T21:40:05.457Z");
  EXPECT_EQ(reader.Timestamp("micros"), "2025-11-25T21:40:05.457Z");  // to the nearest ms
  EXPECT_EQ(reader.Timestamp("late"), "2255-03-14T16:00:00.999Z");
  EXPECT_EQ(reader.Timestamp("null"), "");
  EXPECT_EQ(reader.Timestamp("absent"), "");
  EXPECT_TRUE(reader.status().ok()) << reader.status().message();
}

TEST(JsonReaderTest, TimestampThatIsNotEpochSecondsIsAnError) {
  for (const json& value : {json("2025-11-25T21:40:05Z"), json(-0.5), json(9300000000.0),
                            json(1e308), json(true), json::object()}) {
    json body = {{"createdAt", value}};
    JsonReader reader("DescribeServices", body);
    EXPECT_EQ(reader.Timestamp("createdAt"), "") << value.dump();
    EXPECT_EQ(reader.status().message(),
              "DescribeServices reply.createdAt is not a timestamp (epoch seconds)")
        << value.dump();
  }
}

}  // namespace
}  // namespace drf
