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

}  // namespace
}  // namespace drf
