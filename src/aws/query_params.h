// Builders for query/EC2 request parameters (as botocore/serialize.py builds them). The two
// protocols differ in how they flatten lists:
//   query: `Name.member.N` (or `Name.<LocationName>.N`); an empty list is sent as `Name=`.
//   EC2:   `Name.N`; an empty list is omitted.
// Indexes are 1-based. Nothing here encodes: AwsClient form-encodes the whole list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/aws_client.h"

namespace drf {

// The fields of one structure in a list, in the order they are sent: {"Id", "i-1"},
// {"Port", "80"}. Nested names are allowed: {"Value.DataType", "String"}.
using QueryStruct = std::vector<std::pair<std::string, std::string>>;

// A filter: RDS/ELBv2 `Filters.Filter.N.{Name,Values.Value.M}` or EC2 `Filter.N.{Name,Value.M}`.
struct QueryFilter {
  std::string name;
  std::vector<std::string> values;
};

// Scalars. Booleans are sent as "true"/"false".
void AddParam(QueryParams& params, std::string name, std::string value);
void AddBool(QueryParams& params, std::string name, bool value);
void AddInt(QueryParams& params, std::string name, int64_t value);

// "Targets.member" + 2 -> "Targets.member.2": the prefix of one list member, for callers
// that nest lists inside structures.
std::string MemberPrefix(std::string_view list_prefix, size_t index);

// Query protocol list. `list_prefix` includes the member name:
// AddList(p, "AutoScalingGroupNames.member", {"a", "b"}) ->
//   AutoScalingGroupNames.member.1=a, AutoScalingGroupNames.member.2=b.
// An empty list becomes `AutoScalingGroupNames=` (the prefix without its last component).
void AddList(QueryParams& params, std::string_view list_prefix,
             const std::vector<std::string>& values);

// Query protocol list of structures: AddStructList(p, "Targets.member", {{{"Id","i-1"}}}) ->
// Targets.member.1.Id=i-1. Maps use the same shape with an `entry` prefix
// (SNS `MessageAttributes.entry.1.Name`). Empty list as in AddList.
void AddStructList(QueryParams& params, std::string_view list_prefix,
                   const std::vector<QueryStruct>& items);

// Query protocol filters: list_prefix "Filters.Filter" (RDS) or "Filters.member";
// values_member "Values.Value" (RDS) or "Values.member".
void AddFilters(QueryParams& params, std::string_view list_prefix, std::string_view values_member,
                const std::vector<QueryFilter>& filters);

// EC2 list: AddEc2List(p, "InstanceId", {"i-1"}) -> InstanceId.1=i-1; empty: nothing.
void AddEc2List(QueryParams& params, std::string_view name, const std::vector<std::string>& values);

// EC2 list of structures: `Name.N.Field`; empty: nothing.
void AddEc2StructList(QueryParams& params, std::string_view name,
                      const std::vector<QueryStruct>& items);

// EC2 filters: Filter.N.Name, Filter.N.Value.M.
void AddEc2Filters(QueryParams& params, const std::vector<QueryFilter>& filters);

}  // namespace drf
