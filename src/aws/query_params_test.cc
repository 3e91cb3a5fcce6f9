#include "aws/query_params.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

using Params = QueryParams;

TEST(QueryParamsTest, Scalars) {
  QueryParams p;
  AddParam(p, "DBInstanceIdentifier", "db1");
  AddBool(p, "ForceFailover", true);
  AddBool(p, "DryRun", false);
  AddInt(p, "MaxRecords", 100);
  EXPECT_EQ(p, (Params{{"DBInstanceIdentifier", "db1"},
                       {"ForceFailover", "true"},
                       {"DryRun", "false"},
                       {"MaxRecords", "100"}}));
}

TEST(QueryParamsTest, QueryListIsOneBasedMembers) {
  QueryParams p;
  AddList(p, "AutoScalingGroupNames.member", {"a", "b"});
  EXPECT_EQ(p, (Params{{"AutoScalingGroupNames.member.1", "a"},
                       {"AutoScalingGroupNames.member.2", "b"}}));
}

TEST(QueryParamsTest, EmptyQueryListIsSentUnderTheListName) {
  QueryParams p;
  AddList(p, "AutoScalingGroupNames.member", {});
  AddStructList(p, "Targets.member", {});
  EXPECT_EQ(p, (Params{{"AutoScalingGroupNames", ""}, {"Targets", ""}}));
}

TEST(QueryParamsTest, StructList) {
  QueryParams p;
  AddStructList(p, "Targets.member", {{{"Id", "i-1"}, {"Port", "80"}}, {{"Id", "i-2"}}});
  EXPECT_EQ(p, (Params{{"Targets.member.1.Id", "i-1"},
                       {"Targets.member.1.Port", "80"},
                       {"Targets.member.2.Id", "i-2"}}));
}

TEST(QueryParamsTest, SnsMessageAttributesAsEntries) {
  QueryParams p;
  AddStructList(p, "MessageAttributes.entry",
                {{{"Name", "run"}, {"Value.DataType", "String"}, {"Value.StringValue", "x"}}});
  EXPECT_EQ(p, (Params{{"MessageAttributes.entry.1.Name", "run"},
                       {"MessageAttributes.entry.1.Value.DataType", "String"},
                       {"MessageAttributes.entry.1.Value.StringValue", "x"}}));
}

TEST(QueryParamsTest, RdsFiltersUseLocationNames) {
  QueryParams p;
  AddFilters(p, "Filters.Filter", "Values.Value",
             {{"db-cluster-id", {"c1", "c2"}}, {"engine", {}}});
  EXPECT_EQ(p, (Params{{"Filters.Filter.1.Name", "db-cluster-id"},
                       {"Filters.Filter.1.Values.Value.1", "c1"},
                       {"Filters.Filter.1.Values.Value.2", "c2"},
                       {"Filters.Filter.2.Name", "engine"},
                       {"Filters.Filter.2.Values", ""}}));
}

TEST(QueryParamsTest, MemberPrefixComposesNestedLists) {
  QueryParams p;
  AddList(p, MemberPrefix("Filters.member", 1) + ".Values.member", {"v"});
  EXPECT_EQ(p, (Params{{"Filters.member.1.Values.member.1", "v"}}));
}

TEST(QueryParamsTest, Ec2ListsAreFlatAndEmptyListsOmitted) {
  QueryParams p;
  AddEc2List(p, "InstanceId", {"i-1", "i-2"});
  AddEc2List(p, "GroupId", {});
  AddEc2StructList(p, "TagSpecification", {});
  EXPECT_EQ(p, (Params{{"InstanceId.1", "i-1"}, {"InstanceId.2", "i-2"}}));
}

TEST(QueryParamsTest, Ec2StructListAndFilters) {
  QueryParams p;
  AddEc2StructList(p, "Tag", {{{"Key", "env"}, {"Value", "dr"}}});
  AddEc2Filters(p, {{"instance-state-name", {"running", "pending"}}, {"tag:x", {}}});
  EXPECT_EQ(p, (Params{{"Tag.1.Key", "env"},
                       {"Tag.1.Value", "dr"},
                       {"Filter.1.Name", "instance-state-name"},
                       {"Filter.1.Value.1", "running"},
                       {"Filter.1.Value.2", "pending"},
                       {"Filter.2.Name", "tag:x"}}));
}

}  // namespace
}  // namespace drf
