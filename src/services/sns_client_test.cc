#include "services/sns_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::FormParams;
using services_testing::OracleCase;
using services_testing::QueryError;
using services_testing::QueryReply;

constexpr char kTopic[] = "arn:aws:sns:us-east-1:123456789012:failover";

class SnsClientTest : public ::testing::Test {
 protected:
  void ReplyPublished(const std::string& message_id) {
    harness_.http.Enqueue(
        200, QueryReply("Publish", "<MessageId>" + message_id + "</MessageId>", "pub-1").body);
  }

  AwsHarness harness_;
  SnsClient sns_{harness_.aws};
};

TEST_F(SnsClientTest, PublishReturnsMessageId) {
  ReplyPublished("msg-1");
  Result<Mutated<std::string>> result = sns_.Publish(kTopic, "Failover", "started", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->value, "msg-1");
  EXPECT_EQ(result->request_id, "pub-1");
}

TEST_F(SnsClientTest, PublishOmitsEmptySubject) {
  ReplyPublished("msg-1");
  ASSERT_TRUE(sns_.Publish(kTopic, "", "started", {}).ok());
  EXPECT_EQ(FormParams(harness_.http.requests()[0]).count("Subject"), 0u);
}

TEST_F(SnsClientTest, PublishWithoutMessageIdIsInternal) {
  harness_.http.Enqueue(200, QueryReply("Publish", "").body);
  Result<Mutated<std::string>> result = sns_.Publish(kTopic, "", "started", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

TEST_F(SnsClientTest, PublishToMissingTopicIsNotFound) {
  HttpResponse error = QueryError(404, "NotFound", "Topic does not exist");
  harness_.http.Enqueue(error.status, error.body, error.headers);
  Result<Mutated<std::string>> result = sns_.Publish(kTopic, "", "started", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().aws()->code, "NotFound");
}

TEST_F(SnsClientTest, PublishMatchesBotocore) {
  ReplyPublished("m1");
  ReplyPublished("m2");
  ASSERT_TRUE(sns_.Publish(kTopic, "DR failover: eu-west-1 -> us-east-1",
                           "Step 3/7 done & waiting\nnext: ECS",
                           {{"run", "r-1"}, {"phase", "scale"}})
                  .ok());
  ASSERT_TRUE(sns_.Publish(kTopic, "", "plain", {}).ok());
  // A check's summary: UTF-8 (an ellipsis, a column of box rules) and several kilobytes.
  const std::string table =
      "STEP  VERDICT\nscale-ecs:dr/notification-\u2026 not ready\n" + std::string(3000, '=') + "\n";
  ReplyPublished("m3");
  ASSERT_TRUE(sns_.Publish(kTopic, "drfailover check: NOT READY in us-east-1", table,
                           {{"verdict", "not_ready"}})
                  .ok());
  nlohmann::json attributes = {
      {"run", {{"DataType", "String"}, {"StringValue", "r-1"}}},
      {"phase", {{"DataType", "String"}, {"StringValue", "scale"}}},
  };
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("sns", "Publish",
                  {{"TopicArn", kTopic},
                   {"Subject", "DR failover: eu-west-1 -> us-east-1"},
                   {"Message", "Step 3/7 done & waiting\nnext: ECS"},
                   {"MessageAttributes", attributes}}),
       OracleCase("sns", "Publish", {{"TopicArn", kTopic}, {"Message", "plain"}}),
       OracleCase("sns", "Publish",
                  {{"TopicArn", kTopic},
                   {"Subject", "drfailover check: NOT READY in us-east-1"},
                   {"Message", table},
                   {"MessageAttributes",
                    {{"verdict", {{"DataType", "String"}, {"StringValue", "not_ready"}}}}}})});
}

}  // namespace
}  // namespace drf
