#include "lambda/event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drf {
namespace {

using ::testing::HasSubstr;

FailoverEvent ParseOk(std::string_view body) {
  Result<FailoverEvent> event = ParseFailoverEvent(body);
  EXPECT_TRUE(event.ok()) << body << ": " << event.status().ToString();
  return event.ok() ? *event : FailoverEvent{};
}

bool IsFullFailover(const FailoverEvent& event) {
  return !event.dry_run && event.steps.empty() && !event.deadline && !event.ordering &&
         !event.force && !event.check;
}

TEST(EventTest, EmptyObjectNullAndEmptyBodyMeanFullFailover) {
  for (std::string_view body : {"{}", "", "  \n", "null", " { } "}) {
    FailoverEvent event = ParseOk(body);
    EXPECT_TRUE(IsFullFailover(event)) << "\"" << body << "\"";
    EXPECT_EQ(event.source, EventSource::kDirect);
  }
}

TEST(EventTest, AllKeys) {
  FailoverEvent event = ParseOk(
      R"({"dry_run": true, "steps": ["promote-db:dr-app-db", "scale-asg:dr-jenkins"],
          "deadline_seconds": 240, "ordering": "sequential"})");
  EXPECT_TRUE(event.dry_run);
  EXPECT_EQ(event.steps,
            (std::vector<std::string>{"promote-db:dr-app-db", "scale-asg:dr-jenkins"}));
  EXPECT_EQ(event.deadline, std::chrono::seconds(240));
  EXPECT_EQ(event.ordering, EventOrdering::kSequential);

  EXPECT_EQ(ParseOk(R"({"ordering": "parallel"})").ordering, EventOrdering::kParallel);
  EXPECT_FALSE(ParseOk(R"({"dry_run": false})").dry_run);
  EXPECT_TRUE(ParseOk(R"({"force": true})").force);
}

TEST(EventTest, CheckIsAReadinessCheckThatGoesOnlyWithSteps) {
  EXPECT_TRUE(ParseOk(R"({"check": true})").check);
  FailoverEvent some = ParseOk(R"({"check": true, "steps": ["promote-db:dr-app-db"]})");
  EXPECT_TRUE(some.check);
  EXPECT_EQ(some.steps, (std::vector<std::string>{"promote-db:dr-app-db"}));
  EXPECT_TRUE(IsFullFailover(ParseOk(R"({"check": false})")));
  for (std::string_view body :
       {R"({"check": true, "force": true})", R"({"check": true, "dry_run": false})",
        R"({"check": true, "deadline_seconds": 60})"}) {
    Result<FailoverEvent> event = ParseFailoverEvent(body);
    ASSERT_FALSE(event.ok()) << body;
    EXPECT_NE(event.status().message().find("does not go with \"check\""), std::string::npos)
        << event.status().message();
  }
}

TEST(EventTest, ActionChoosesFailoverFailbackOrDrill) {
  EXPECT_EQ(ParseOk("{}").action, EventAction::kFailover);
  EXPECT_EQ(ParseOk(R"({"action": "failover"})").action, EventAction::kFailover);
  EXPECT_EQ(ParseOk(R"({"action": "failback"})").action, EventAction::kFailback);
  FailoverEvent drill = ParseOk(R"({"action": "drill", "dry_run": true})");
  EXPECT_EQ(drill.action, EventAction::kDrill);
  EXPECT_TRUE(drill.dry_run);
  Result<FailoverEvent> typo = ParseFailoverEvent(R"({"action": "fail-back"})");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.status().message(),
              HasSubstr("\"failover\", \"failback\" or \"drill\", got string \"fail-back\""));
  EXPECT_FALSE(ParseFailoverEvent(R"({"action": "failback", "check": true})").ok());
}

TEST(EventTest, EventBridgeScheduledEventMeansFullFailover) {
  FailoverEvent event = ParseOk(R"({
    "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
    "time": "2026-11-25T21:40:00Z", "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/dr-dr-failover-test"],
    "detail": {}})");
  EXPECT_EQ(event.source, EventSource::kScheduled);
  EXPECT_TRUE(IsFullFailover(event));
}

struct Malformed {
  std::string_view body;
  std::string_view names;     // the message must contain this (the key, and/or the position)
  std::string_view expected;  // and this (what is expected)
};

TEST(EventTest, MalformedEventsNameTheKeyAndWhatIsExpected) {
  const Malformed cases[] = {
      {R"({"dryrun": true})", "unknown key \"dryrun\"", "dry_run, steps"},
      {R"({"dry_run": "true"})", "dry_run", "true or false, got string \"true\""},
      {R"({"dry_run": 1})", "dry_run", "true or false"},
      {R"({"force": "yes"})", "force", "true or false, got string \"yes\""},
      {R"({"check": 1})", "check", "true or false, got number 1"},
      {R"({"steps": "promote-db:dr-app-db"})", "steps", "non-empty array of step ids"},
      {R"({"steps": []})", "steps", "non-empty array"},
      {R"({"steps": ["scale-asg:dr-jenkins", 7]})", "steps[1]", "a step id"},
      {R"({"steps": [""]})", "steps[0]", "a step id"},
      {R"({"steps": ["a", "a"]})", "steps[1]", "each step id once"},
      {R"({"deadline_seconds": "60"})", "deadline_seconds", "whole number of seconds"},
      {R"({"deadline_seconds": 1.5})", "deadline_seconds", "from 1 to 86400"},
      {R"({"deadline_seconds": 0})", "deadline_seconds", "from 1 to 86400, got number 0"},
      {R"({"deadline_seconds": -5})", "deadline_seconds", "from 1 to 86400"},
      {R"({"deadline_seconds": 18446744073709551615})", "deadline_seconds", "from 1"},
      {R"({"ordering": "serial"})", "ordering", "\"parallel\" or \"sequential\""},
      {R"({"ordering": null})", "ordering", "\"parallel\" or \"sequential\", got null"},
      {R"([])", "event", "a JSON object"},
      {R"("{}")", "event", "a JSON object"},
      {R"(42)", "event", "a JSON object"},
      {R"({"source": "aws.events", "detail-type": "EC2 Instance State-change Notification"})",
       "detail-type", "\"Scheduled Event\""},
      {R"({"source": "my.app", "detail-type": "Scheduled Event"})", "source", "aws.events"},
      {R"({"detail-type": "Scheduled Event"})", "unknown key \"detail-type\"", "dry_run"},
  };
  for (const Malformed& c : cases) {
    Result<FailoverEvent> event = ParseFailoverEvent(c.body);
    ASSERT_FALSE(event.ok()) << c.body;
    EXPECT_EQ(event.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_THAT(event.status().message(), HasSubstr(c.names)) << c.body;
    EXPECT_THAT(event.status().message(), HasSubstr(c.expected)) << c.body;
  }
}

TEST(EventTest, InvalidJsonGivesTheBytePosition) {
  // Positions count from 1 (the offending byte; one past the end for a truncated body).
  const Malformed cases[] = {
      {R"({"dry_run": tru})", "invalid JSON at byte 16", "syntax error"},
      {R"({"steps": ["a",]})", "invalid JSON at byte 16", "syntax error"},
      {R"({"dry_run": true)", "invalid JSON at byte 17", "unexpected end of input"},
      {"{'dry_run': true}", "invalid JSON at byte 2", "syntax error"},
  };
  for (const Malformed& c : cases) {
    Result<FailoverEvent> event = ParseFailoverEvent(c.body);
    ASSERT_FALSE(event.ok()) << c.body;
    EXPECT_EQ(event.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(event.status().message(), HasSubstr(c.names)) << c.body;
    EXPECT_THAT(event.status().message(), HasSubstr(c.expected)) << c.body;
    EXPECT_THAT(event.status().message(), ::testing::Not(HasSubstr("json.exception")));
  }
}

// A hostile event nests deeply (Lambda accepts 6 MB): refused, never built or printed,
// so nothing recursive can exhaust the stack.
TEST(EventTest, DeepNestingIsRefusedNamingTheLimit) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const std::string deep_key =
      R"({"dry_run": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  for (const std::string& body : {deep, deep_key}) {
    Result<FailoverEvent> event = ParseFailoverEvent(body);
    ASSERT_FALSE(event.ok());
    EXPECT_EQ(event.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(event.status().message(), HasSubstr("event: nested more than 32 levels deep"));
  }
  std::string at_limit = std::string(kMaxEventNesting, '[') + std::string(kMaxEventNesting, ']');
  EXPECT_TRUE(ParseEventJson(at_limit).ok());
  EXPECT_FALSE(ParseEventJson("[" + at_limit + "]").ok());
}

TEST(EventTest, LongValuesAreCutInMessages) {
  std::string body = R"({"ordering": ")" + std::string(1000, 'x') + R"("})";
  Result<FailoverEvent> event = ParseFailoverEvent(body);
  ASSERT_FALSE(event.ok());
  EXPECT_LT(event.status().message().size(), 200u);
  EXPECT_THAT(event.status().message(), HasSubstr("..."));
}

}  // namespace
}  // namespace drf
