#include "aws/aws_error_parser.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

HttpResponse Response(int status, std::string body, HttpHeaders headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

TEST(AwsErrorParserTest, QueryErrorResponse) {
  auto parsed = ParseAwsError(
      Protocol::kQuery,
      Response(404,
               "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error>"
               "<Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>DBInstance db9 not "
               "found.</Message></Error><RequestId>rid-1</RequestId></ErrorResponse>"));
  EXPECT_EQ(parsed.code, "DBInstanceNotFound");
  EXPECT_EQ(parsed.message, "DBInstance db9 not found.");
  EXPECT_EQ(parsed.request_id, "rid-1");
}

TEST(AwsErrorParserTest, MotoStyleErrorsList) {
  auto parsed = ParseAwsError(
      Protocol::kJson11,
      Response(403,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Errors><Error>"
               "<Code>AccessDenied</Code><Message><![CDATA[User is not authorized]]></Message>"
               "</Error></Errors><RequestId>m1</RequestId></ErrorResponse>"));
  EXPECT_EQ(parsed.code, "AccessDenied");
  EXPECT_EQ(parsed.message, "User is not authorized");
  EXPECT_EQ(parsed.request_id, "m1");
}

TEST(AwsErrorParserTest, Ec2Errors) {
  auto parsed = ParseAwsError(
      Protocol::kEc2,
      Response(400,
               "<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The "
               "instance ID 'i-1' does not exist</Message></Error></Errors>"
               "<RequestID>ec2-rid</RequestID></Response>"));
  EXPECT_EQ(parsed.code, "InvalidInstanceID.NotFound");
  EXPECT_EQ(parsed.request_id, "ec2-rid");
  EXPECT_TRUE(IsNotFoundCode(parsed.code));
}

TEST(AwsErrorParserTest, S3StyleError) {
  auto parsed = ParseAwsError(Protocol::kRestS3,
                              Response(404,
                                       "<Error><Code>NoSuchKey</Code><Message>gone</Message>"
                                       "<RequestId>s3</RequestId></Error>"));
  EXPECT_EQ(parsed.code, "NoSuchKey");
  EXPECT_EQ(parsed.request_id, "s3");
}

TEST(AwsErrorParserTest, JsonTypeIsNormalized) {
  auto parsed = ParseAwsError(
      Protocol::kJson11,
      Response(
          400,
          R"({"__type":"com.amazonaws.ecs#ServiceNotFoundException:http://x/","Message":"Service not found."})",
          {{"x-amzn-RequestId", "j1"}}));
  EXPECT_EQ(parsed.code, "ServiceNotFoundException");
  EXPECT_EQ(parsed.message, "Service not found.");
  EXPECT_EQ(parsed.request_id, "j1");
}

// JSON 1.0 (DynamoDB) errors have JSON 1.1's shape, with a versioned namespace.
TEST(AwsErrorParserTest, DynamoDbErrors) {
  HttpResponse failed =
      Response(400,
               R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
               R"("message":"The conditional request failed"})",
               {{"x-amzn-RequestId", "d1"}});
  EXPECT_EQ(ParseAwsError(Protocol::kJson10, failed).code, "ConditionalCheckFailedException");
  AwsErrorInfo info = AwsErrorFromResponse(services::kDynamoDb, "PutItem", failed);
  EXPECT_EQ(info.code, "ConditionalCheckFailedException");
  EXPECT_EQ(info.message, "The conditional request failed");
  EXPECT_EQ(info.request_id, "d1");
  EXPECT_FALSE(info.retryable);
  EXPECT_EQ(StatusCodeForAwsError(info), StatusCode::kRejected);

  AwsErrorInfo missing = AwsErrorFromResponse(
      services::kDynamoDb, "GetItem",
      Response(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",)"
                    R"("message":"Requested resource not found"})"));
  EXPECT_EQ(StatusCodeForAwsError(missing), StatusCode::kNotFound);

  AwsErrorInfo throttled = AwsErrorFromResponse(
      services::kDynamoDb, "PutItem",
      Response(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#)"
                    R"(ProvisionedThroughputExceededException","message":"slow down"})"));
  EXPECT_TRUE(throttled.throttling);
  EXPECT_TRUE(throttled.retryable);
}

TEST(AwsErrorParserTest, JsonCodeFromHeaderWhenBodyHasNone) {
  auto parsed = ParseAwsError(
      Protocol::kJson11,
      Response(400, R"({"message":"bad"})",
               {{"X-Amzn-ErrorType", "ClientException:http://internal.amazon.com/"}}));
  EXPECT_EQ(parsed.code, "ClientException");
  EXPECT_EQ(parsed.message, "bad");
}

TEST(AwsErrorParserTest, JsonWithWrongFieldTypesDoesNotThrow) {
  auto parsed =
      ParseAwsError(Protocol::kJson11, Response(400, R"({"__type": 7, "message": ["x"]})"));
  EXPECT_EQ(parsed.code, "");
  EXPECT_NE(parsed.message.find("HTTP 400"), std::string::npos) << parsed.message;
}

TEST(AwsErrorParserTest, Route53RootElementIsTheCode) {
  auto parsed = ParseAwsError(
      Protocol::kRestXml,
      Response(400,
               "<InvalidChangeBatch><Messages><Message>first</Message><Message>second</Message>"
               "</Messages><RequestId>ignored</RequestId></InvalidChangeBatch>"));
  EXPECT_EQ(parsed.code, "InvalidChangeBatch");
  EXPECT_EQ(parsed.message, "first; second");
}

TEST(AwsErrorParserTest, Route53ErrorResponse) {
  auto parsed = ParseAwsError(
      Protocol::kRestXml,
      Response(404,
               "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error>"
               "<Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No hosted zone found "
               "with ID: Z1</Message></Error><RequestId>r</RequestId></ErrorResponse>"));
  EXPECT_EQ(parsed.code, "NoSuchHostedZone");
  EXPECT_TRUE(IsNotFoundCode(parsed.code));
}

TEST(AwsErrorParserTest, UnexpectedBodiesGiveStatusAndMessage) {
  struct Case {
    Protocol protocol;
    int status;
    const char* body;
    const char* expect_in_message;
  };
  const Case cases[] = {
      {Protocol::kJson11, 403, "<html><body><h1>403 Forbidden</h1></body></html>",
       "HTTP 403 (unrecognised error body): 403 Forbidden"},
      {Protocol::kRestXml, 502, "<HTML><BODY>Bad gateway</BODY></HTML>", "Bad gateway"},
      {Protocol::kQuery, 500, "", "HTTP 500 with an empty body"},
      {Protocol::kQuery, 503, "   \n", "HTTP 503 with an empty body"},
      {Protocol::kQuery, 400, "<ErrorResponse><Error><Code>Thrott", "HTTP 400"},
      {Protocol::kJson11, 400, R"({"__type":"Throttl)", "HTTP 400"},
      {Protocol::kJson11, 400, "[1,2,3]", "HTTP 400"},
      {Protocol::kQuery, 429, "Too Many Requests", "HTTP 429 (unrecognised error body): Too Many"},
      {Protocol::kQuery, 400, "<ErrorResponse></ErrorResponse>", "HTTP 400"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseAwsError(c.protocol, Response(c.status, c.body));
    EXPECT_EQ(parsed.code, "") << c.body;
    EXPECT_NE(parsed.message.find(c.expect_in_message), std::string::npos)
        << c.body << " -> " << parsed.message;
  }
}

TEST(AwsErrorParserTest, LongGarbageIsCutShort) {
  auto parsed = ParseAwsError(Protocol::kQuery, Response(500, std::string(10000, 'z')));
  EXPECT_LT(parsed.message.size(), 300u);
}

TEST(AwsErrorParserTest, CodeWithoutMessage) {
  auto parsed =
      ParseAwsError(Protocol::kQuery, Response(400,
                                               "<ErrorResponse><Error><Code>Throttling</Code>"
                                               "</Error></ErrorResponse>"));
  EXPECT_EQ(parsed.code, "Throttling");
  EXPECT_EQ(parsed.message, "HTTP 400 Throttling");
}

TEST(AwsErrorParserTest, NormalizeErrorCode) {
  EXPECT_EQ(NormalizeErrorCode("com.amazonaws.ecs#ClusterNotFoundException"),
            "ClusterNotFoundException");
  EXPECT_EQ(NormalizeErrorCode("ClusterNotFoundException:http://internal"),
            "ClusterNotFoundException");
  EXPECT_EQ(NormalizeErrorCode("a#b#Code:x:y"), "Code");
  EXPECT_EQ(NormalizeErrorCode(" Plain "), "Plain");
  EXPECT_EQ(NormalizeErrorCode(""), "");
}

TEST(AwsErrorParserTest, NotFoundCodesAreConservative) {
  for (const char* code :
       {"DBInstanceNotFound", "DBClusterNotFoundFault", "GlobalClusterNotFoundFault",
        "TargetGroupNotFound", "ServiceNotFoundException", "ClusterNotFoundException",
        "LoadBalancerNotFound", "NotFound", "NoSuchHostedZone", "NoSuchChange",
        "InvalidInstanceID.NotFound", "InvalidGroup.NotFound"}) {
    EXPECT_TRUE(IsNotFoundCode(code)) << code;
  }
  for (const char* code : {"ValidationError", "InvalidDBInstanceState", "", ".NotFound",
                           "AccessDenied", "InvalidTarget"}) {
    EXPECT_FALSE(IsNotFoundCode(code)) << code;
  }
}

TEST(AwsErrorParserTest, InfoAndStatusCode) {
  const ServiceInfo& rds = services::kRds;
  auto throttled = AwsErrorFromResponse(
      rds, "DescribeDBInstances",
      Response(400,
               "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded"
               "</Message></Error></ErrorResponse>",
               {{"x-amzn-RequestId", "hdr"}}));
  EXPECT_EQ(throttled.service, "RDS");
  EXPECT_EQ(throttled.operation, "DescribeDBInstances");
  EXPECT_EQ(throttled.http_status, 400);
  EXPECT_EQ(throttled.request_id, "hdr");
  EXPECT_TRUE(throttled.throttling);
  EXPECT_TRUE(throttled.retryable);
  EXPECT_FALSE(throttled.transport);
  EXPECT_EQ(StatusCodeForAwsError(throttled), StatusCode::kRetryable);

  auto server = AwsErrorFromResponse(rds, "X", Response(502, ""));
  EXPECT_TRUE(server.retryable);
  EXPECT_FALSE(server.throttling);
  EXPECT_EQ(StatusCodeForAwsError(server), StatusCode::kRetryable);

  auto denied = AwsErrorFromResponse(rds, "X", Response(403, "<html>no</html>"));
  EXPECT_EQ(StatusCodeForAwsError(denied), StatusCode::kRejected);

  auto transport = AwsErrorFromTransport(rds, "X", Status::Transport("connection reset"));
  EXPECT_TRUE(transport.transport);
  EXPECT_TRUE(transport.retryable);
  EXPECT_EQ(transport.http_status, 0);
  EXPECT_EQ(transport.message, "connection reset");
  EXPECT_EQ(StatusCodeForAwsError(transport), StatusCode::kTransport);
}

}  // namespace
}  // namespace drf
