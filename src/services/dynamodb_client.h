// DynamoDbClient: the single-item calls a lease needs (JSON 1.0, 2012-08-10): PutItem,
// GetItem, UpdateItem and DeleteItem, each write with an optional condition. Items hold
// string (S) and number (N) attributes only. Thread-safe as far as AwsClient is.
//
// Conditions and retries: the writes are retried like idempotent calls (aws/retry.h). A
// conditional write whose first attempt took effect but whose reply was lost fails its
// condition on the retry, so ConditionalCheckFailedException (IsConditionFailed) means
// "the condition did not hold when the last attempt arrived", possibly because of our own
// earlier attempt: a caller that must know reads the item (GetItem, consistent) and looks
// for a mark of its own, such as a token it wrote (app/run_lease.cc).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"

namespace drf {

// One attribute value: a string (S) or a number (N). Numbers travel as decimal text and
// are kept so, losing no precision.
struct DynamoValue {
  enum class Type { kString, kNumber };
  Type type = Type::kString;
  std::string text;

  static DynamoValue String(std::string s) { return {Type::kString, std::move(s)}; }
  static DynamoValue Number(int64_t n) { return {Type::kNumber, std::to_string(n)}; }
  bool operator==(const DynamoValue&) const = default;
};

// Attribute name -> value: an item, a key, or expression values (":now" -> N).
using DynamoItem = std::map<std::string, DynamoValue>;

// The string attribute `name` of `item`; nullopt when absent or not a string.
std::optional<std::string> StringAttribute(const DynamoItem& item, const std::string& name);
// The number attribute `name` of `item` as an integer; nullopt when absent, not a number
// or not an integer that int64_t holds.
std::optional<int64_t> IntegerAttribute(const DynamoItem& item, const std::string& name);

// A write's condition and what its expressions refer to. For UpdateItem, `names` and
// `values` also serve the update expression. Empty fields are not sent.
struct DynamoCondition {
  std::string expression;                    // ConditionExpression; empty: unconditional
  std::map<std::string, std::string> names;  // ExpressionAttributeNames: "#ttl" -> "ttl"
  DynamoItem values;                         // ExpressionAttributeValues: ":now" -> N
};

// True for a write refused because its condition did not hold
// (ConditionalCheckFailedException, kRejected).
bool IsConditionFailed(const Status& status);

class DynamoDbClient {
 public:
  explicit DynamoDbClient(AwsClient& aws) : aws_(aws) {}

  // Writes `item` whole (replacing any item with its key) if `condition` holds.
  // IsConditionFailed when it does not; NotFound (ResourceNotFoundException) for a missing
  // table; Rejected for a malformed expression (ValidationException) or a denial.
  Result<Ack> PutItem(const std::string& table, const DynamoItem& item,
                      const DynamoCondition& condition = {});
  // The item with `key`, or nullopt when there is none. `consistent_read` sees every
  // write acknowledged before the call. Attributes of types other than S and N are left
  // out; an S or N that is not a JSON string is Internal.
  Result<std::optional<DynamoItem>> GetItem(const std::string& table, const DynamoItem& key,
                                            bool consistent_read);
  // Applies `update_expression` ("SET #e = :e") to the item with `key` (creating it when
  // absent, as DynamoDB does, unless the condition prevents it) if `condition` holds.
  // Errors as PutItem.
  Result<Ack> UpdateItem(const std::string& table, const DynamoItem& key,
                         const std::string& update_expression, const DynamoCondition& condition);
  // Deletes the item with `key` if `condition` holds; deleting no item is not an error
  // (but an item that is absent fails a condition that needs it). Errors as PutItem.
  Result<Ack> DeleteItem(const std::string& table, const DynamoItem& key,
                         const DynamoCondition& condition = {});

 private:
  // Sends a write and keeps only its request id.
  Result<Ack> Write(std::string_view operation, const nlohmann::json& request);

  AwsClient& aws_;
};

}  // namespace drf
