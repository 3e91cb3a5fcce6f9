#include "services/dynamodb_client.h"

#include <charconv>
#include <utility>

namespace drf {
namespace {

constexpr char kConditionFailed[] = "ConditionalCheckFailedException";

nlohmann::json ToJson(const DynamoValue& value) {
  return {{value.type == DynamoValue::Type::kNumber ? "N" : "S", value.text}};
}

nlohmann::json ToJson(const DynamoItem& item) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : item) out[name] = ToJson(value);
  return out;
}

// TableName and key (or item) first, then the condition's fields that are set.
nlohmann::json WriteRequest(const std::string& table, const char* item_field,
                            const DynamoItem& item, const DynamoCondition& condition) {
  nlohmann::json request = {{"TableName", table}, {item_field, ToJson(item)}};
  if (!condition.expression.empty()) request["ConditionExpression"] = condition.expression;
  if (!condition.names.empty()) request["ExpressionAttributeNames"] = condition.names;
  if (!condition.values.empty()) request["ExpressionAttributeValues"] = ToJson(condition.values);
  return request;
}

constexpr std::pair<const char*, DynamoValue::Type> kTypes[] = {{"S", DynamoValue::Type::kString},
                                                                {"N", DynamoValue::Type::kNumber}};

// The S and N attributes of a GetItem reply's "Item" object; others (BOOL, L, M, sets,
// binary) are left out. An S or N whose value is not a string is an error.
Result<DynamoItem> ParseItem(const nlohmann::json& json) {
  if (!json.is_object()) return Status::Internal("GetItem reply: Item is not an object");
  DynamoItem item;
  for (const auto& [name, typed] : json.items()) {
    if (!typed.is_object()) {
      return Status::Internal("GetItem reply: attribute " + name + " is not an object");
    }
    for (const auto& [tag, type] : kTypes) {
      auto it = typed.find(tag);
      if (it == typed.end()) continue;
      if (!it->is_string()) {
        return Status::Internal("GetItem reply: attribute " + name + "." + tag +
                                " is not a string");
      }
      item[name] = DynamoValue{type, it->get<std::string>()};
    }
  }
  return item;
}

}  // namespace

std::optional<std::string> StringAttribute(const DynamoItem& item, const std::string& name) {
  auto it = item.find(name);
  if (it == item.end() || it->second.type != DynamoValue::Type::kString) return std::nullopt;
  return it->second.text;
}

std::optional<int64_t> IntegerAttribute(const DynamoItem& item, const std::string& name) {
  auto it = item.find(name);
  if (it == item.end() || it->second.type != DynamoValue::Type::kNumber) return std::nullopt;
  const std::string& text = it->second.text;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool IsConditionFailed(const Status& status) {
  return !status.ok() && status.aws() != nullptr && status.aws()->code == kConditionFailed;
}

Result<Ack> DynamoDbClient::Write(std::string_view operation, const nlohmann::json& request) {
  Result<JsonResponse> reply = aws_.CallJson(services::kDynamoDb, operation, request);
  if (!reply.ok()) return ExplainUnreadableMutation(reply.status());
  return Ack{reply->request_id};
}

Result<Ack> DynamoDbClient::PutItem(const std::string& table, const DynamoItem& item,
                                    const DynamoCondition& condition) {
  return Write("PutItem", WriteRequest(table, "Item", item, condition));
}

Result<std::optional<DynamoItem>> DynamoDbClient::GetItem(const std::string& table,
                                                          const DynamoItem& key,
                                                          bool consistent_read) {
  nlohmann::json request = {{"TableName", table}, {"Key", ToJson(key)}};
  if (consistent_read) request["ConsistentRead"] = true;
  DRF_ASSIGN_OR_RETURN(JsonResponse reply, aws_.CallJson(services::kDynamoDb, "GetItem", request));
  if (!reply.body.is_object()) return Status::Internal("GetItem reply is not a JSON object");
  auto it = reply.body.find("Item");
  if (it == reply.body.end() || it->is_null()) return std::optional<DynamoItem>();
  DRF_ASSIGN_OR_RETURN(DynamoItem item, ParseItem(*it));
  return std::optional<DynamoItem>(std::move(item));
}

Result<Ack> DynamoDbClient::UpdateItem(const std::string& table, const DynamoItem& key,
                                       const std::string& update_expression,
                                       const DynamoCondition& condition) {
  nlohmann::json request = WriteRequest(table, "Key", key, condition);
  request["UpdateExpression"] = update_expression;
  return Write("UpdateItem", request);
}

Result<Ack> DynamoDbClient::DeleteItem(const std::string& table, const DynamoItem& key,
                                       const DynamoCondition& condition) {
  return Write("DeleteItem", WriteRequest(table, "Key", key, condition));
}

}  // namespace drf
