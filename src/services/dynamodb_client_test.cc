#include "services/dynamodb_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::JsonError;
using services_testing::JsonReply;
using services_testing::OracleCase;

constexpr char kTable[] = "dr-locks";
constexpr char kConditionFailedType[] =
    "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException";

const DynamoItem kLeaseKey = {{"lock_id", DynamoValue::String("lease")}};

DynamoItem LeaseItem() {
  return {{"lock_id", DynamoValue::String("lease")},
          {"holder", DynamoValue::String("host:42")},
          {"token", DynamoValue::String("t-1")},
          {"expires_at", DynamoValue::Number(1796580300)}};
}

DynamoCondition AcquireCondition() {
  return {"attribute_not_exists(lock_id) OR expires_at < :now",
          {},
          {{":now", DynamoValue::Number(1796580000)}}};
}

class DynamoDbClientTest : public ::testing::Test {
 protected:
  void Enqueue(const HttpResponse& reply) {
    harness_.http.Enqueue(reply.status, reply.body, reply.headers);
  }
  HttpRequest Sent(size_t i = 0) const { return harness_.http.requests().at(i); }

  AwsHarness harness_;
  DynamoDbClient dynamodb_{harness_.aws};
};

TEST_F(DynamoDbClientTest, ConditionalPutSendsJson10WithTheCondition) {
  Enqueue(JsonReply(nlohmann::json::object(), "put-1"));
  Result<Ack> put = dynamodb_.PutItem(kTable, LeaseItem(), AcquireCondition());
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->request_id, "put-1");
  HttpRequest sent = Sent();
  EXPECT_EQ(FindHeader(sent.headers, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(FindHeader(sent.headers, "X-Amz-Target"), "DynamoDB_20120810.PutItem");
  EXPECT_EQ(sent.body,
            R"({"ConditionExpression":"attribute_not_exists(lock_id) OR expires_at < :now",)"
            R"("ExpressionAttributeValues":{":now":{"N":"1796580000"}},)"
            R"("Item":{"expires_at":{"N":"1796580300"},"holder":{"S":"host:42"},)"
            R"("lock_id":{"S":"lease"},"token":{"S":"t-1"}},"TableName":"dr-locks"})");
}

TEST_F(DynamoDbClientTest, UnconditionalWritesSendNoExpressionFields) {
  Enqueue(JsonReply(nlohmann::json::object()));
  Enqueue(JsonReply(nlohmann::json::object()));
  ASSERT_TRUE(dynamodb_.PutItem(kTable, kLeaseKey).ok());
  ASSERT_TRUE(dynamodb_.DeleteItem(kTable, kLeaseKey).ok());
  EXPECT_EQ(Sent(0).body, R"({"Item":{"lock_id":{"S":"lease"}},"TableName":"dr-locks"})");
  EXPECT_EQ(Sent(1).body, R"({"Key":{"lock_id":{"S":"lease"}},"TableName":"dr-locks"})");
}

TEST_F(DynamoDbClientTest, FailedConditionIsDistinguishable) {
  Enqueue(JsonError(400, kConditionFailedType, "The conditional request failed"));
  Result<Ack> put = dynamodb_.PutItem(kTable, LeaseItem(), AcquireCondition());
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(IsConditionFailed(put.status()));
  EXPECT_EQ(put.status().code(), StatusCode::kRejected);
  EXPECT_EQ(put.status().aws()->code, "ConditionalCheckFailedException");

  Enqueue(JsonError(400, "com.amazonaws.dynamodb.v20120810#ValidationException",
                    "Invalid ConditionExpression"));
  Result<Ack> invalid = dynamodb_.PutItem(kTable, LeaseItem(), AcquireCondition());
  ASSERT_FALSE(invalid.ok());
  EXPECT_FALSE(IsConditionFailed(invalid.status()));
  EXPECT_FALSE(IsConditionFailed(Status::Rejected("ConditionalCheckFailedException")));
  EXPECT_FALSE(IsConditionFailed(Status::Ok()));
}

TEST_F(DynamoDbClientTest, MissingTableIsNotFound) {
  Enqueue(JsonError(400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                    "Requested resource not found"));
  Result<std::optional<DynamoItem>> got = dynamodb_.GetItem(kTable, kLeaseKey, true);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
}

// A conditional put whose first attempt failed with a 5xx (it may have been applied) is
// retried; the retry then fails its condition, which the caller must resolve by reading.
TEST_F(DynamoDbClientTest, ConditionalWritesAreRetriedAndMayThenFailTheirCondition) {
  AwsClientOptions options = harness_.Options(&harness_.http);
  options.retry.max_attempts = 3;
  AwsClient retrying(options);
  DynamoDbClient dynamodb(retrying);
  Enqueue(JsonError(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "oops"));
  Enqueue(JsonError(400, kConditionFailedType, "The conditional request failed"));
  Result<Ack> put = dynamodb.PutItem(kTable, LeaseItem(), AcquireCondition());
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(IsConditionFailed(put.status()));
  ASSERT_EQ(harness_.http.request_count(), 2u);
  EXPECT_EQ(Sent(0).body, Sent(1).body);
}

TEST_F(DynamoDbClientTest, GetItemReadsStringsAndNumbersConsistently) {
  Enqueue(JsonReply({{"Item",
                      {{"lock_id", {{"S", "lease"}}},
                       {"expires_at", {{"N", "1796580300"}}},
                       {"flag", {{"BOOL", true}}},
                       {"tags", {{"SS", {"a", "b"}}}}}}}));
  Result<std::optional<DynamoItem>> got = dynamodb_.GetItem(kTable, kLeaseKey, true);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  const DynamoItem& item = **got;
  EXPECT_EQ(item.size(), 2u);  // BOOL and SS are left out
  EXPECT_EQ(StringAttribute(item, "lock_id"), "lease");
  EXPECT_EQ(IntegerAttribute(item, "expires_at"), 1796580300);
  EXPECT_EQ(Sent().body,
            R"({"ConsistentRead":true,"Key":{"lock_id":{"S":"lease"}},"TableName":"dr-locks"})");
  EXPECT_EQ(FindHeader(Sent().headers, "X-Amz-Target"), "DynamoDB_20120810.GetItem");
}

TEST_F(DynamoDbClientTest, GetItemOfNoItemIsNullopt) {
  Enqueue(JsonReply(nlohmann::json::object()));
  Result<std::optional<DynamoItem>> got = dynamodb_.GetItem(kTable, kLeaseKey, false);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_FALSE(got->has_value());
  EXPECT_EQ(Sent().body, R"({"Key":{"lock_id":{"S":"lease"}},"TableName":"dr-locks"})");
}

TEST_F(DynamoDbClientTest, GetItemWithMistypedValueIsInternal) {
  Enqueue(JsonReply({{"Item", {{"expires_at", {{"N", 5}}}}}}));
  Result<std::optional<DynamoItem>> got = dynamodb_.GetItem(kTable, kLeaseKey, true);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kInternal);
  EXPECT_NE(got.status().message().find("expires_at.N is not a string"), std::string::npos)
      << got.status().message();
}

TEST_F(DynamoDbClientTest, UpdateAndDeleteSendKeyExpressionsAndCondition) {
  Enqueue(JsonReply(nlohmann::json::object(), "upd-1"));
  Enqueue(JsonReply(nlohmann::json::object(), "del-1"));
  DynamoCondition ours{
      "#t = :token",
      {{"#t", "token"}},
      {{":token", DynamoValue::String("t-1")}, {":expires", DynamoValue::Number(1796580600)}}};
  Result<Ack> updated = dynamodb_.UpdateItem(kTable, kLeaseKey, "SET expires_at = :expires", ours);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->request_id, "upd-1");
  ours.values.erase(":expires");
  ASSERT_TRUE(dynamodb_.DeleteItem(kTable, kLeaseKey, ours).ok());
  EXPECT_EQ(Sent(0).body,
            R"({"ConditionExpression":"#t = :token","ExpressionAttributeNames":{"#t":"token"},)"
            R"("ExpressionAttributeValues":{":expires":{"N":"1796580600"},":token":{"S":"t-1"}},)"
            R"("Key":{"lock_id":{"S":"lease"}},"TableName":"dr-locks",)"
            R"("UpdateExpression":"SET expires_at = :expires"})");
  EXPECT_EQ(FindHeader(Sent(1).headers, "X-Amz-Target"), "DynamoDB_20120810.DeleteItem");
  EXPECT_EQ(Sent(1).body,
            R"({"ConditionExpression":"#t = :token","ExpressionAttributeNames":{"#t":"token"},)"
            R"("ExpressionAttributeValues":{":token":{"S":"t-1"}},)"
            R"("Key":{"lock_id":{"S":"lease"}},"TableName":"dr-locks"})");
}

TEST_F(DynamoDbClientTest, UnreadableWriteReplyMayHaveBeenApplied) {
  harness_.http.Enqueue(200, "{not json", {{"x-amzn-RequestId", "put-2"}});
  Result<Ack> put = dynamodb_.PutItem(kTable, LeaseItem(), AcquireCondition());
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.status().message().find("PutItem may have been applied"), std::string::npos)
      << put.status().message();
}

TEST(DynamoAttributeTest, TypedReads) {
  DynamoItem item = {{"s", DynamoValue::String("12")},
                     {"n", DynamoValue::Number(-7)},
                     {"big", {DynamoValue::Type::kNumber, "99999999999999999999"}},
                     {"frac", {DynamoValue::Type::kNumber, "1.5"}}};
  EXPECT_EQ(StringAttribute(item, "s"), "12");
  EXPECT_EQ(StringAttribute(item, "n"), std::nullopt);
  EXPECT_EQ(StringAttribute(item, "absent"), std::nullopt);
  EXPECT_EQ(IntegerAttribute(item, "n"), -7);
  EXPECT_EQ(IntegerAttribute(item, "s"), std::nullopt);
  EXPECT_EQ(IntegerAttribute(item, "big"), std::nullopt);
  EXPECT_EQ(IntegerAttribute(item, "frac"), std::nullopt);
}

TEST_F(DynamoDbClientTest, RequestsMatchBotocore) {
  for (int i = 0; i < 4; ++i) Enqueue(JsonReply(nlohmann::json::object()));
  DynamoCondition ours{"#t = :token", {{"#t", "token"}}, {{":token", DynamoValue::String("t-1")}}};
  ASSERT_TRUE(dynamodb_.PutItem(kTable, LeaseItem(), AcquireCondition()).ok());
  ASSERT_TRUE(dynamodb_.GetItem(kTable, kLeaseKey, true).ok());
  DynamoCondition renew = ours;
  renew.values[":expires"] = DynamoValue::Number(1796580600);
  ASSERT_TRUE(dynamodb_.UpdateItem(kTable, kLeaseKey, "SET expires_at = :expires", renew).ok());
  ASSERT_TRUE(dynamodb_.DeleteItem(kTable, kLeaseKey, ours).ok());
  const nlohmann::json key = {{"lock_id", {{"S", "lease"}}}};
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("dynamodb", "PutItem",
                  {{"TableName", kTable},
                   {"Item",
                    {{"lock_id", {{"S", "lease"}}},
                     {"holder", {{"S", "host:42"}}},
                     {"token", {{"S", "t-1"}}},
                     {"expires_at", {{"N", "1796580300"}}}}},
                   {"ConditionExpression", "attribute_not_exists(lock_id) OR expires_at < :now"},
                   {"ExpressionAttributeValues", {{":now", {{"N", "1796580000"}}}}}}),
       OracleCase("dynamodb", "GetItem",
                  {{"TableName", kTable}, {"Key", key}, {"ConsistentRead", true}}),
       OracleCase("dynamodb", "UpdateItem",
                  {{"TableName", kTable},
                   {"Key", key},
                   {"UpdateExpression", "SET expires_at = :expires"},
                   {"ConditionExpression", "#t = :token"},
                   {"ExpressionAttributeNames", {{"#t", "token"}}},
                   {"ExpressionAttributeValues",
                    {{":token", {{"S", "t-1"}}}, {":expires", {{"N", "1796580600"}}}}}}),
       OracleCase("dynamodb", "DeleteItem",
                  {{"TableName", kTable},
                   {"Key", key},
                   {"ConditionExpression", "#t = :token"},
                   {"ExpressionAttributeNames", {{"#t", "token"}}},
                   {"ExpressionAttributeValues", {{":token", {{"S", "t-1"}}}}}})});
}

}  // namespace
}  // namespace drf
