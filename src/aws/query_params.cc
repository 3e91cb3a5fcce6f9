#include "aws/query_params.h"

namespace drf {
namespace {

// "Filters.Filter.1.Values.Value" -> "Filters.Filter.1.Values": botocore sends an empty list
// under the list's own name, not its member name.
std::string_view ListName(std::string_view list_prefix) {
  const size_t dot = list_prefix.rfind('.');
  return dot == std::string_view::npos ? list_prefix : list_prefix.substr(0, dot);
}

void AddStruct(QueryParams& params, const std::string& prefix, const QueryStruct& item) {
  for (const auto& [field, value] : item) params.emplace_back(prefix + "." + field, value);
}

}  // namespace

void AddParam(QueryParams& params, std::string name, std::string value) {
  params.emplace_back(std::move(name), std::move(value));
}

void AddBool(QueryParams& params, std::string name, bool value) {
  params.emplace_back(std::move(name), value ? "true" : "false");
}

void AddInt(QueryParams& params, std::string name, int64_t value) {
  params.emplace_back(std::move(name), std::to_string(value));
}

std::string MemberPrefix(std::string_view list_prefix, size_t index) {
  return std::string(list_prefix) + "." + std::to_string(index);
}

void AddList(QueryParams& params, std::string_view list_prefix,
             const std::vector<std::string>& values) {
  if (values.empty()) {
    params.emplace_back(std::string(ListName(list_prefix)), "");
    return;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    params.emplace_back(MemberPrefix(list_prefix, i + 1), values[i]);
  }
}

void AddStructList(QueryParams& params, std::string_view list_prefix,
                   const std::vector<QueryStruct>& items) {
  if (items.empty()) {
    params.emplace_back(std::string(ListName(list_prefix)), "");
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    AddStruct(params, MemberPrefix(list_prefix, i + 1), items[i]);
  }
}

void AddFilters(QueryParams& params, std::string_view list_prefix, std::string_view values_member,
                const std::vector<QueryFilter>& filters) {
  if (filters.empty()) {
    params.emplace_back(std::string(ListName(list_prefix)), "");
    return;
  }
  for (size_t i = 0; i < filters.size(); ++i) {
    const std::string prefix = MemberPrefix(list_prefix, i + 1);
    params.emplace_back(prefix + ".Name", filters[i].name);
    AddList(params, prefix + "." + std::string(values_member), filters[i].values);
  }
}

void AddEc2List(QueryParams& params, std::string_view name,
                const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    params.emplace_back(MemberPrefix(name, i + 1), values[i]);
  }
}

void AddEc2StructList(QueryParams& params, std::string_view name,
                      const std::vector<QueryStruct>& items) {
  for (size_t i = 0; i < items.size(); ++i) AddStruct(params, MemberPrefix(name, i + 1), items[i]);
}

void AddEc2Filters(QueryParams& params, const std::vector<QueryFilter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    const std::string prefix = MemberPrefix("Filter", i + 1);
    params.emplace_back(prefix + ".Name", filters[i].name);
    AddEc2List(params, prefix + ".Value", filters[i].values);
  }
}

}  // namespace drf
