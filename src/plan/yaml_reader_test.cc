#include "plan/yaml_reader.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

TEST(YamlReaderTest, TypedReadsRecordProblemsWithLines) {
  YAML::Node doc = YAML::Load("a: 5\nb: five\nc: [x, y]\nd: {k: v}\ne: 2m\n");
  ConfigErrors errors;
  YamlReader r(errors);
  EXPECT_EQ(r.Int(doc["a"], "a"), 5);
  EXPECT_FALSE(r.Int(doc["b"], "b"));
  EXPECT_EQ(r.StringList(doc["c"], "c"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(r.StringList(doc["b"], "b"), std::vector<std::string>{"five"});
  EXPECT_FALSE(r.String(doc["d"], "d"));
  EXPECT_EQ(r.Duration(doc["e"], "e"), std::chrono::seconds(120));
  ASSERT_EQ(errors.messages().size(), 2u);
  EXPECT_EQ(errors.messages()[0], "b (line 2): found \"five\", expected an integer");
  EXPECT_EQ(errors.messages()[1], "d (line 4): found a mapping, expected a string");
}

TEST(YamlReaderTest, CheckMapReportsUnknownAndRepeatedKeys) {
  YAML::Node doc = YAML::Load("name: a\nsize: 1\nname: b\n");
  ConfigErrors errors;
  YamlReader r(errors);
  EXPECT_FALSE(r.CheckMap(doc, "s", {"name"}));
  ASSERT_EQ(errors.messages().size(), 2u);
  EXPECT_EQ(errors.messages()[0], "s.size (line 2): found an unknown key, expected one of name");
  EXPECT_EQ(errors.messages()[1],
            "s.name (line 3): found a second \"name\", expected each key once");
}

TEST(YamlReaderTest, IntRejectsValuesBeyondAnInt) {
  ConfigErrors errors;
  YamlReader r(errors);
  EXPECT_FALSE(r.Int(YAML::Load("99999999999"), "n"));
  EXPECT_EQ(r.Int(YAML::Load("-3"), "n"), -3);
  EXPECT_EQ(errors.messages().size(), 1u);
}

TEST(YamlReaderTest, JsonConvertsKeepingOrderAndTypes) {
  auto json = nlohmann::ordered_json::parse(R"({"z": 1, "a": [true, "s", 2.5], "n": null})");
  YAML::Node node = JsonToYaml(json);
  ASSERT_TRUE(node.IsMap());
  std::vector<std::string> keys;
  for (const auto& item : node) keys.push_back(item.first.Scalar());
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "n"}));
  EXPECT_EQ(node["z"].as<int>(), 1);
  EXPECT_TRUE(node["a"][0].as<bool>());
  EXPECT_EQ(node["a"][1].as<std::string>(), "s");
  EXPECT_TRUE(node["n"].IsNull());
  EXPECT_EQ(YamlReader::Where("z", node["z"]), "z");  // no lines for JSON-made nodes
}

}  // namespace
}  // namespace drf
