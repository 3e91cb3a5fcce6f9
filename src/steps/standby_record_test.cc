#include "steps/standby_record.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

TEST(StandbyRecordTest, AsgSizesRoundTripInWordsATagMayHold) {
  EXPECT_EQ(AsgStandbyValue({0, 0, 0}), "min=0 max=0 desired=0");
  EXPECT_EQ(ParseAsgStandby("min=1 max=4 desired=2"), (AsgSizes{1, 4, 2}));
  EXPECT_EQ(ParseAsgStandby("desired=2 min=1 max=4"), (AsgSizes{1, 4, 2}));
}

// A record that is not one is never guessed at: failback then refuses to act on it.
TEST(StandbyRecordTest, AnythingElseIsNotAnAsgRecord) {
  for (const char* bad : {"", "min=0 max=0", "{\"min\":0}", "min=0 max=0 desired=x",
                          "min=-1 max=0 desired=0", "min=2 max=1 desired=1", "min=0 max=3 =1"}) {
    EXPECT_EQ(ParseAsgStandby(bad), std::nullopt) << bad;
  }
}

TEST(StandbyRecordTest, EcsAndDbRecords) {
  EXPECT_EQ(EcsStandbyValue(0), "desired=0");
  EXPECT_EQ(ParseEcsStandby("desired=3"), 3);
  EXPECT_EQ(ParseEcsStandby("desired="), std::nullopt);
  const std::string arn = "arn:aws:rds:eu-west-1:123456789012:db:app-primary";
  EXPECT_EQ(DbStandbyValue(arn), "source=" + arn);
  EXPECT_EQ(ParseDbStandby("source=" + arn), arn);
  EXPECT_EQ(ParseDbStandby("source="), std::nullopt);
}

TEST(StandbyRecordTest, RegisteredTargetsFillTagsOf256CharactersAtMost) {
  std::set<std::string> targets;
  for (int i = 0; i < 150; ++i) targets.insert("i-" + std::to_string(100000000 + i) + ":8080");
  RegisteredTags record = RegisteredTargetTags(targets);
  EXPECT_EQ(record.unrecorded, 0u);
  ASSERT_GT(record.tags.size(), 1u);
  EXPECT_TRUE(record.tags.count("drfailover:registered"));
  EXPECT_TRUE(record.tags.count("drfailover:registered:2"));
  for (const auto& [key, value] : record.tags) EXPECT_LE(value.size(), kMaxTagValue) << key;
  EXPECT_EQ(RecordedTargets(record.tags), targets);
  ResourceTags with_others = record.tags;
  with_others["team"] = "sre";
  EXPECT_EQ(RegisteredTagKeys(with_others).size(), record.tags.size());
}

TEST(StandbyRecordTest, TargetsBeyondTheLastTagAreCountedAsUnrecorded) {
  std::set<std::string> targets;
  for (int i = 0; i < 1000; ++i) targets.insert("10.0." + std::to_string(i) + ".1:443");
  RegisteredTags record = RegisteredTargetTags(targets);
  EXPECT_EQ(record.tags.size(), kMaxRegisteredTags);
  EXPECT_GT(record.unrecorded, 0u);
  EXPECT_EQ(RecordedTargets(record.tags).size() + record.unrecorded, targets.size());
}

TEST(StandbyRecordTest, DnsSetsRoundTrip) {
  ResourceRecordSet weighted;
  weighted.weight = 100;
  weighted.ttl = 300;
  weighted.values = {"192.0.2.20", "192.0.2.21"};
  ResourceRecordSet alias;
  alias.weight = 0;
  alias.alias = AliasTarget{"Z35SXDOTRQ7X7K", "dr-alb-1.us-east-1.elb.amazonaws.com", true};
  std::optional<std::string> value =
      DnsStandbyValue({{"primary", weighted}, {"dr", alias}, {"canary", std::nullopt}});
  ASSERT_TRUE(value);
  EXPECT_EQ(*value,
            "set=primary w=100 ttl=300 v=192.0.2.20 v=192.0.2.21 set=dr w=0 "
            "alias=Z35SXDOTRQ7X7K/dr-alb-1.us-east-1.elb.amazonaws.com/1 set=canary absent");
  std::optional<std::vector<DnsSetBefore>> back = ParseDnsStandby(*value);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0].set->values, weighted.values);
  EXPECT_EQ((*back)[0].set->weight, 100);
  EXPECT_EQ((*back)[1].set->alias->dns_name, "dr-alb-1.us-east-1.elb.amazonaws.com");
  EXPECT_TRUE((*back)[1].set->alias->evaluate_target_health);
  EXPECT_FALSE((*back)[2].set.has_value());
  EXPECT_EQ(DnsStandbyKey("API.Example.com.", "A"), "drfailover:dns:api.example.com:A");
}

// A TXT record's quotes cannot be kept in a tag: no record, rather than a wrong one.
TEST(StandbyRecordTest, ValuesATagCannotHoldAreNotRecorded) {
  ResourceRecordSet txt;
  txt.values = {"\"v=spf1 -all\""};
  EXPECT_EQ(DnsStandbyValue({{"", txt}}), std::nullopt);
  EXPECT_EQ(ParseDnsStandby("w=1"), std::nullopt);
  EXPECT_EQ(ParseDnsStandby("set=a"), std::nullopt);  // neither a target nor absent
  EXPECT_EQ(ParseDnsStandby("set=a absent v=1.2.3.4"), std::nullopt);
}

}  // namespace
}  // namespace drf
