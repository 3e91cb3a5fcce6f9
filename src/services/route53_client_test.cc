#include "services/route53_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::OracleCase;
using services_testing::PathOf;
using services_testing::XmlOutline;
using services_testing::XmlReply;

std::string ChangeReply(const std::string& operation, const std::string& status) {
  return "<?xml version=\"1.0\"?>\n<" + operation +
         "Response xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeInfo>"
         "<Id>/change/C2682N5HXP0BZ4</Id><Status>" +
         status +
         "</Status><SubmittedAt>2017-03-10T01:36:41.958Z</SubmittedAt>"
         "<Comment>fail over api</Comment></ChangeInfo></" +
         operation + "Response>";
}

class Route53ClientTest : public ::testing::Test {
 protected:
  void Reply(const std::string& body) {
    HttpResponse response = XmlReply(body);
    harness_.http.Enqueue(response.status, response.body, response.headers);
  }

  AwsHarness harness_;
  Route53Client route53_{harness_.aws};
};

const std::vector<ResourceRecordChange> kChanges = {
    {"UPSERT", "api.example.com.", "CNAME", 60, {"api.us-east-1.example.com"}},
    {"DELETE", "old.example.com.", "A", 300, {"10.0.0.1", "10.0.0.2"}},
};

TEST_F(Route53ClientTest, ChangeResourceRecordSetsParsesChangeInfo) {
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  Result<Mutated<ChangeInfo>> result =
      route53_.ChangeResourceRecordSets("/hostedzone/Z123", "fail over api", kChanges);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->value.id, "C2682N5HXP0BZ4");
  EXPECT_EQ(result->value.status, "PENDING");
  EXPECT_EQ(result->value.submitted_at, "2017-03-10T01:36:41.958Z");
  EXPECT_EQ(result->value.comment, "fail over api");
  EXPECT_EQ(result->request_id, "req-1");
  EXPECT_EQ(PathOf(harness_.http.requests()[0]), "/2013-04-01/hostedzone/Z123/rrset/");
}

TEST_F(Route53ClientTest, ChangeBatchWithoutCommentOmitsIt) {
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  ASSERT_TRUE(route53_.ChangeResourceRecordSets("Z123", "", {kChanges[0]}).ok());
  EXPECT_EQ(XmlOutline(harness_.http.requests()[0].body).find("Comment"), std::string::npos);
}

TEST_F(Route53ClientTest, EmptyChangeBatchIsRefusedWithoutACall) {
  Result<Mutated<ChangeInfo>> result = route53_.ChangeResourceRecordSets("Z123", "", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.http.request_count(), 0u);
}

TEST_F(Route53ClientTest, InvalidChangeBatchIsRejected) {
  harness_.http.Enqueue(400,
                        "<?xml version=\"1.0\"?>\n<InvalidChangeBatch "
                        "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Messages>"
                        "<Message>Tried to delete resource record set [name='old.example.com.', "
                        "type='A'] but it was not found</Message></Messages>"
                        "<RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId>"
                        "</InvalidChangeBatch>");
  Result<Mutated<ChangeInfo>> result = route53_.ChangeResourceRecordSets("Z123", "", kChanges);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "InvalidChangeBatch");
}

TEST_F(Route53ClientTest, GetChangeAcceptsPrefixedIds) {
  Reply(ChangeReply("GetChange", "INSYNC"));
  Result<ChangeInfo> result = route53_.GetChange("/change/C2682N5HXP0BZ4");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->status, "INSYNC");
  EXPECT_EQ(result->id, "C2682N5HXP0BZ4");
  EXPECT_EQ(harness_.http.requests()[0].method, "GET");
  EXPECT_EQ(PathOf(harness_.http.requests()[0]), "/2013-04-01/change/C2682N5HXP0BZ4");
}

TEST_F(Route53ClientTest, GetChangeWithoutChangeInfoIsInternal) {
  Reply("<GetChangeResponse/>");
  Result<ChangeInfo> result = route53_.GetChange("C1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

TEST_F(Route53ClientTest, NoSuchChangeIsNotFound) {
  harness_.http.Enqueue(404,
                        "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                        "<Error><Type>Sender</Type><Code>NoSuchChange</Code><Message>A change "
                        "with the specified change ID does not exist.</Message></Error>"
                        "<RequestId>r</RequestId></ErrorResponse>");
  Result<ChangeInfo> result = route53_.GetChange("C404");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().aws()->code, "NoSuchChange");
}

// --- Serialization equals botocore's ----------------------------------------------------

TEST_F(Route53ClientTest, ChangeResourceRecordSetsMatchesBotocore) {
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  ASSERT_TRUE(
      route53_.ChangeResourceRecordSets("/hostedzone/Z123", "fail over <api> & co", kChanges).ok());
  ASSERT_TRUE(route53_.ChangeResourceRecordSets("Z123", "", {kChanges[0]}).ok());
  nlohmann::json upsert = {{"Action", "UPSERT"},
                           {"ResourceRecordSet",
                            {{"Name", "api.example.com."},
                             {"Type", "CNAME"},
                             {"TTL", 60},
                             {"ResourceRecords", {{{"Value", "api.us-east-1.example.com"}}}}}}};
  nlohmann::json remove = {
      {"Action", "DELETE"},
      {"ResourceRecordSet",
       {{"Name", "old.example.com."},
        {"Type", "A"},
        {"TTL", 300},
        {"ResourceRecords", {{{"Value", "10.0.0.1"}}, {{"Value", "10.0.0.2"}}}}}}};
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase(
           "route53", "ChangeResourceRecordSets",
           {{"HostedZoneId", "/hostedzone/Z123"},
            {"ChangeBatch", {{"Comment", "fail over <api> & co"}, {"Changes", {upsert, remove}}}}}),
       OracleCase("route53", "ChangeResourceRecordSets",
                  {{"HostedZoneId", "Z123"}, {"ChangeBatch", {{"Changes", {upsert}}}}})});
}

TEST_F(Route53ClientTest, GetChangeMatchesBotocore) {
  Reply(ChangeReply("GetChange", "INSYNC"));
  Reply(ChangeReply("GetChange", "INSYNC"));
  ASSERT_TRUE(route53_.GetChange("/change/C2682N5HXP0BZ4").ok());
  ASSERT_TRUE(route53_.GetChange("C1").ok());
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("route53", "GetChange", {{"Id", "/change/C2682N5HXP0BZ4"}}),
                           OracleCase("route53", "GetChange", {{"Id", "C1"}})});
}

}  // namespace
}  // namespace drf
