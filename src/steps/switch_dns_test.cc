#include "steps/switch_dns.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <sstream>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::StepHarness;
using ::testing::HasSubstr;

constexpr char kZone[] = "Z0EXAMPLE";
constexpr char kLbDns[] = "dr-alb-1.us-west-2.elb.amazonaws.com";
constexpr char kLbZone[] = "Z1H1FL5HABSF5";

std::string Xml(pugi::xml_node node) {
  std::ostringstream out;
  node.print(out, "", pugi::format_raw);
  return out.str();
}

// Route 53 for one hosted zone, as far as the step uses it: record sets kept as the XML
// the step sent (so what it writes is what it reads back), and changes that stay PENDING
// for `pending_polls` GetChange calls.
class FakeRoute53 {
 public:
  explicit FakeRoute53(FakeAws& aws) {
    aws.On(services::kRoute53, "ListResourceRecordSets", [this](const AwsCall& call) {
      if (call.Param("Id") != kZone) return NoSuchZone(call.Param("Id"));
      std::string sets;
      for (const auto& [key, xml] : records_) sets += xml;
      return FakeAws::RestXmlOk(
          "<ListResourceRecordSetsResponse><ResourceRecordSets>" + sets +
          "</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems>"
          "</ListResourceRecordSetsResponse>");
    });
    aws.On(services::kRoute53, "ChangeResourceRecordSets", [this](const AwsCall& call) {
      if (call.Param("Id") != kZone) return NoSuchZone(call.Param("Id"));
      pugi::xml_document doc;
      doc.load_string(call.body.c_str());
      for (pugi::xml_node change : doc.child("ChangeResourceRecordSetsRequest")
                                       .child("ChangeBatch")
                                       .child("Changes")
                                       .children("Change")) {
        pugi::xml_node set = change.child("ResourceRecordSet");
        records_[set.child_value("SetIdentifier")] = Xml(set);
      }
      polls_left_ = pending_polls;
      return FakeAws::RestXmlOk(
          "<ChangeResourceRecordSetsResponse><ChangeInfo><Id>/change/C42</Id><Status>PENDING"
          "</Status><SubmittedAt>2026-12-06T12:00:00Z</SubmittedAt></ChangeInfo>"
          "</ChangeResourceRecordSetsResponse>",
          "req-change");
    });
    aws.On(services::kRoute53, "GetChange", [this](const AwsCall&) {
      const char* status = polls_left_-- > 0 ? "PENDING" : "INSYNC";
      return FakeAws::RestXmlOk(std::string("<GetChangeResponse><ChangeInfo><Id>C42</Id><Status>") +
                                status + "</Status></ChangeInfo></GetChangeResponse>");
    });
  }

  // A record set, as Route 53 would list it.
  void Add(const std::string& set_identifier, const std::string& xml) {
    records_[set_identifier] = xml;
  }
  int pending_polls = 2;

 private:
  static HttpResponse NoSuchZone(const std::string& id) {
    return FakeAws::RestXmlError(404, "NoSuchHostedZone", "No hosted zone found with ID: " + id);
  }

  std::map<std::string, std::string> records_;  // by set identifier ("" for simple)
  int polls_left_ = 0;
};

std::string ValuesXml(const std::string& value, int ttl, const std::string& routing = "") {
  return "<ResourceRecordSet><Name>api.example.com.</Name><Type>A</Type>" + routing + "<TTL>" +
         std::to_string(ttl) + "</TTL><ResourceRecords><ResourceRecord><Value>" + value +
         "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>";
}

HttpResponse LoadBalancerReply() {
  return FakeAws::QueryOk("DescribeLoadBalancers",
                          std::string("<LoadBalancers><member><LoadBalancerName>dr-alb"
                                      "</LoadBalancerName><DNSName>") +
                              kLbDns + "</DNSName><CanonicalHostedZoneId>" + kLbZone +
                              "</CanonicalHostedZoneId><State><Code>active</Code></State>"
                              "</member></LoadBalancers>");
}

SwitchDnsSpec AliasSpec() {
  SwitchDnsSpec dns;
  dns.zone_id = kZone;
  dns.record = "api.example.com";
  dns.alias_load_balancer = "dr-alb";
  return dns;
}

StepSpec DnsStepSpec(SwitchDnsSpec dns) {
  StepSpec spec;
  spec.id = "switch-dns:api.example.com";
  spec.kind = StepKind::kSwitchDns;
  spec.detail = std::move(dns);
  spec.stall_after = std::chrono::minutes(5);
  return spec;
}

class SwitchDnsTest : public ::testing::Test {
 protected:
  SwitchDnsTest() { h_.aws.Reply(services::kElbv2, "DescribeLoadBalancers", LoadBalancerReply()); }

  StepResult Run(const SwitchDnsSpec& dns) {
    SwitchDnsStep step(DnsStepSpec(dns), route53_client_, h_.elbv2);
    return step.Run(h_.ctx);
  }
  int Changes() const { return h_.Calls(services::kRoute53, "ChangeResourceRecordSets"); }
  std::string SentBatch(size_t i = 0) const {
    return h_.aws.Calls(services::kRoute53, "ChangeResourceRecordSets").at(i).body;
  }

  StepHarness h_;
  Route53Client route53_client_{h_.client};
  FakeRoute53 route53_{h_.aws};
};

TEST_F(SwitchDnsTest, PointsASimpleRecordAtTheLoadBalancerAndWaitsForInsync) {
  route53_.Add("", ValuesXml("192.0.2.10", 60));

  StepResult result = Run(AliasSpec());

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Changes(), 1);
  EXPECT_THAT(SentBatch(), HasSubstr("<Action>UPSERT</Action>"));
  EXPECT_THAT(SentBatch(), HasSubstr(std::string("<AliasTarget><HostedZoneId>") + kLbZone +
                                     "</HostedZoneId><DNSName>" + kLbDns));
  EXPECT_THAT(SentBatch(), ::testing::Not(HasSubstr("<TTL>"))) << "an alias has no TTL";
  EXPECT_EQ(h_.Calls(services::kRoute53, "GetChange"), 3) << "PENDING twice, then INSYNC";
  EXPECT_EQ(result.before["records"], (nlohmann::json{"192.0.2.10 (ttl 60)"}));
  EXPECT_EQ(result.after["records"], (nlohmann::json{std::string("alias ") + kLbDns}));
  EXPECT_EQ(result.after["change_status"], "INSYNC");
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.calls[0].operation, "Route53.ChangeResourceRecordSets");
  EXPECT_EQ(result.changes, (std::vector<std::string>{std::string("api.example.com A: 192.0.2.10 "
                                                                  "(ttl 60) -> alias ") +
                                                      kLbDns}));
  EXPECT_EQ(result.wait["outcome"], "done");

  // A second run finds the record right: no change, no wait.
  StepResult again = Run(AliasSpec());
  EXPECT_EQ(again.state, StepState::kUnchanged) << again.error.ToString();
  EXPECT_EQ(Changes(), 1);
  EXPECT_TRUE(again.calls.empty());
  EXPECT_EQ(again.summary, std::string("already points at alias ") + kLbDns);
}

TEST_F(SwitchDnsTest, WeightedPairMovesAllWeightToDrInOneBatch) {
  route53_.Add("primary", ValuesXml("192.0.2.10", 60,
                                    "<SetIdentifier>primary</SetIdentifier><Weight>100</Weight>"));
  route53_.Add(
      "dr", ValuesXml("198.51.100.7", 60, "<SetIdentifier>dr</SetIdentifier><Weight>0</Weight>"));
  SwitchDnsSpec dns = AliasSpec();
  dns.set_identifier = "dr";
  dns.primary_set_identifier = "primary";

  StepResult result = Run(dns);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Changes(), 1) << "one batch, so traffic moves at once";
  const std::string batch = SentBatch();
  EXPECT_THAT(batch, HasSubstr("<SetIdentifier>dr</SetIdentifier><Weight>100</Weight>"));
  EXPECT_THAT(batch, HasSubstr("<SetIdentifier>primary</SetIdentifier><Weight>0</Weight><TTL>60"
                               "</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.10"))
      << "the primary keeps its target";
  EXPECT_EQ(result.changes.size(), 2u);

  StepResult again = Run(dns);
  EXPECT_EQ(again.state, StepState::kUnchanged) << again.error.ToString();
  EXPECT_EQ(Changes(), 1);
}

TEST_F(SwitchDnsTest, ValuesKeepTheRecordsTtlUnlessThePlanGivesOne) {
  route53_.Add("", ValuesXml("192.0.2.10", 300));
  SwitchDnsSpec dns = AliasSpec();
  dns.alias_load_balancer.clear();
  dns.values = {"198.51.100.7"};

  ASSERT_EQ(Run(dns).state, StepState::kSucceeded);
  EXPECT_THAT(SentBatch(), HasSubstr("<TTL>300</TTL>"));
  EXPECT_THAT(SentBatch(), HasSubstr("<Value>198.51.100.7</Value>"));
  EXPECT_EQ(h_.Calls(services::kElbv2, "DescribeLoadBalancers"), 0);
}

TEST_F(SwitchDnsTest, ACreatedRecordGetsTheDefaultTtl) {
  SwitchDnsSpec dns = AliasSpec();
  dns.alias_load_balancer.clear();
  dns.values = {"198.51.100.7"};
  StepResult result = Run(dns);
  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_THAT(SentBatch(), HasSubstr("<TTL>60</TTL>"));
  EXPECT_EQ(result.changes,
            (std::vector<std::string>{"api.example.com A: (none) -> 198.51.100.7 (ttl 60)"}));
}

TEST_F(SwitchDnsTest, PlanShowsTheChangeAndMakesNoMutatingCall) {
  route53_.Add("", ValuesXml("192.0.2.10", 60));
  SwitchDnsStep step(DnsStepSpec(AliasSpec()), route53_client_, h_.elbv2);
  StepResult result = step.Preview(h_.ctx);
  EXPECT_EQ(result.state, StepState::kSucceeded);
  EXPECT_EQ(result.summary, std::string("would point api.example.com A at alias ") + kLbDns);
  EXPECT_EQ(Changes(), 0);
  EXPECT_EQ(h_.Calls(services::kRoute53, "GetChange"), 0);
}

TEST_F(SwitchDnsTest, AMissingZoneFailsNamingIt) {
  h_.aws.Reply(services::kRoute53, "ListHostedZonesByName",
               FakeAws::RestXmlOk("<ListHostedZonesByNameResponse><HostedZones/>"
                                  "<IsTruncated>false</IsTruncated>"
                                  "</ListHostedZonesByNameResponse>"));
  SwitchDnsSpec dns = AliasSpec();
  dns.zone_id.clear();
  dns.zone_name = "example.com";
  StepResult result = Run(dns);
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("hosted zone example.com not found"));
  EXPECT_EQ(Changes(), 0);

  dns.zone_name.clear();
  dns.zone_id = "ZNOSUCHZONE";
  result = Run(dns);
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("ZNOSUCHZONE"));
}

TEST_F(SwitchDnsTest, AZoneNameSharedByTwoZonesAsksForTheId) {
  h_.aws.Reply(services::kRoute53, "ListHostedZonesByName",
               FakeAws::RestXmlOk("<ListHostedZonesByNameResponse><HostedZones>"
                                  "<HostedZone><Id>/hostedzone/ZPUB</Id><Name>example.com.</Name>"
                                  "</HostedZone><HostedZone><Id>/hostedzone/ZPRIV</Id><Name>"
                                  "example.com.</Name><Config><PrivateZone>true</PrivateZone>"
                                  "</Config></HostedZone></HostedZones></"
                                  "ListHostedZonesByNameResponse>"));
  SwitchDnsSpec dns = AliasSpec();
  dns.zone_id.clear();
  dns.zone_name = "example.com";
  StepResult result = Run(dns);
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("ZPUB (public), ZPRIV (private)"));
  EXPECT_THAT(result.error.ToString(), HasSubstr("zone_id"));
}

TEST_F(SwitchDnsTest, ARoutedRecordNeedsTheDrSetIdentifier) {
  route53_.Add("primary", ValuesXml("192.0.2.10", 60,
                                    "<SetIdentifier>primary</SetIdentifier><Weight>100</Weight>"));
  StepResult result = Run(AliasSpec());
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("set identifiers primary"));
  EXPECT_EQ(Changes(), 0);
}

TEST_F(SwitchDnsTest, AFailoverSecondaryIsRetargetedAndTheRoleKept) {
  route53_.Add("dr", ValuesXml("198.51.100.7", 60,
                               "<SetIdentifier>dr</SetIdentifier><Failover>SECONDARY</Failover>"));
  SwitchDnsSpec dns = AliasSpec();
  dns.set_identifier = "dr";
  StepResult result = Run(dns);
  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_THAT(SentBatch(), HasSubstr("<Failover>SECONDARY</Failover>"));
  EXPECT_THAT(h_.log.Lines(), ::testing::Contains(HasSubstr("primary's health check fails")));
}

TEST_F(SwitchDnsTest, AMissingLoadBalancerFailsNamingIt) {
  h_.aws.Reply(services::kElbv2, "DescribeLoadBalancers",
               FakeAws::QueryError(400, "LoadBalancerNotFound", "One or more not found"));
  StepResult result = Run(AliasSpec());
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("load balancer dr-alb"));
  EXPECT_EQ(Changes(), 0);
}

TEST_F(SwitchDnsTest, TimesOutWhileRoute53StaysPendingAndSaysWhatItChanged) {
  route53_.pending_polls = 1000000;
  h_.SetTimeout(std::chrono::minutes(3));
  StepResult result = Run(AliasSpec());
  EXPECT_EQ(result.state, StepState::kTimedOut);
  EXPECT_EQ(result.calls.size(), 1u) << "the change was made and is reported";
  EXPECT_THAT(result.summary, HasSubstr("change PENDING"));
  EXPECT_EQ(result.wait["outcome"], "timed_out");
}

TEST_F(SwitchDnsTest, ACancelledRunChangesNothing) {
  h_.cancel.Cancel();
  StepResult result = Run(AliasSpec());
  EXPECT_EQ(result.state, StepState::kNotRun);
  EXPECT_EQ(Changes(), 0);
}

}  // namespace
}  // namespace drf
