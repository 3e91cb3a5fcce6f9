// The Lambda handler and runtime loop against a fake Runtime API and a scripted AWS
// (FakeAws), on a FakeClock. End-to-end runs against the emulated region are in
// lambda_e2e_test.cc.
#include "app/lambda_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "app/exit_codes.h"
#include "lambda/logging.h"
#include "testing/fake_aws.h"
#include "testing/fake_clock.h"
#include "testing/fake_environment.h"
#include "testing/fake_runtime_api.h"
#include "testing/log_capture.h"

namespace drf {
namespace {

using nlohmann::json;
using services::kAutoScaling;
using services::kEcs;
using services::kElbv2;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One ASG at min/max/desired with `in_service` healthy instances, as a <member>.
std::string AsgMember(const std::string& name, int min, int max, int desired, int in_service) {
  std::string instances;
  for (int i = 0; i < in_service; ++i) {
    instances += "<member><InstanceId>i-" + name + std::to_string(i) +
                 "</InstanceId><LifecycleState>InService</LifecycleState>"
                 "<HealthStatus>Healthy</HealthStatus></member>";
  }
  return "<member><AutoScalingGroupName>" + name + "</AutoScalingGroupName><MinSize>" +
         std::to_string(min) + "</MinSize><MaxSize>" + std::to_string(max) +
         "</MaxSize><DesiredCapacity>" + std::to_string(desired) + "</DesiredCapacity><Instances>" +
         instances + "</Instances></member>";
}

// Every group `call` names (steps share their reads: one call may name several), each as
// `member_of` describes it.
HttpResponse AsgReplyToAll(const AwsCall& call,
                           const std::function<std::string(const std::string&)>& member_of) {
  std::string members;
  for (const auto& [key, name] : call.params) {
    if (key.starts_with("AutoScalingGroupNames.member.")) members += member_of(name);
  }
  return FakeAws::QueryOk("DescribeAutoScalingGroups",
                          "<AutoScalingGroups>" + members + "</AutoScalingGroups>");
}

// Every group `call` names, each at the same sizes.
HttpResponse AsgReplyToAll(const AwsCall& call, int min, int max, int desired, int in_service) {
  return AsgReplyToAll(call, [&](const std::string& name) {
    return AsgMember(name, min, max, desired, in_service);
  });
}

class LambdaHandlerTest : public ::testing::Test {
 protected:
  LambdaHandlerTest() {
    env_.Set("AWS_REGION", "us-east-1");
    env_.Set("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    env_.Set("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    env_.Set("JENKINS_ASG_NAME", "dr-jenkins");
    env_.Set("MONITORING_ASG_NAME", "dr-monitoring");
    aws_.On(kAutoScaling, "DescribeAutoScalingGroups", [](const AwsCall& call) {
      return AsgReplyToAll(call, 1, 3, 1, 1);  // already failed over
    });
  }

  int Serve(LambdaHandlerOptions options = {}) {
    RuntimeClient client(RuntimeClientOptions{FakeRuntimeApi::kHost}, runtime_http_);
    return ServeLambda(client, {env_, aws_http_, clock_, nullptr}, log_.logger(), options,
                       [this](const Invocation& invocation) { hooked_.push_back(invocation); });
  }
  // Serves one invocation of `body` and returns its one post.
  RuntimePost ServeOne(const std::string& body) {
    runtime_.AddInvocation("req-1", body, clock_.Now() + std::chrono::minutes(5));
    EXPECT_EQ(Serve(), static_cast<int>(ExitCode::kFailed)) << "ends when next answers 500";
    std::vector<RuntimePost> posts = runtime_.posts();
    EXPECT_EQ(posts.size(), 1u);
    return posts.empty() ? RuntimePost{} : posts[0];
  }
  static std::string Body(const json& response) {
    return json::parse(response.at("body").get<std::string>()).get<std::string>();
  }

  FakeEnvironment env_;
  FakeClock clock_;
  LogCapture log_{clock_};
  FakeHttp aws_http_;
  FakeAws aws_{aws_http_};
  FakeHttp runtime_http_;
  FakeRuntimeApi runtime_{runtime_http_};
  std::vector<Invocation> hooked_;
};

TEST_F(LambdaHandlerTest, EmptyEventSucceedsWithTheOriginalsResponse) {
  RuntimePost post = ServeOne("{}");
  ASSERT_EQ(post.kind, "response");
  EXPECT_EQ(post.request_id, "req-1");
  json response = post.Json();
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_EQ(response.at("body"), "\"DR failover completed successfully\"");
  EXPECT_EQ(response.at("status"), "SUCCEEDED");
  EXPECT_EQ(response.at("open_steps"), json::array());
  EXPECT_EQ(response.at("report").at("schema"), "drfailover.report/v1");
  EXPECT_EQ(response.at("report").at("steps").size(), 2u);
  EXPECT_EQ(aws_.Count(kAutoScaling, "UpdateAutoScalingGroup"), 0) << "already at target";

  std::vector<std::string> lines = log_.Lines();
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines.front(), "INFO: Received event: {}");
  // The last line is the loop's exit (the fake Runtime API ran out of invocations).
  EXPECT_EQ(lines[lines.size() - 2], "INFO: DR failover completed successfully");
  ASSERT_EQ(hooked_.size(), 1u);
  EXPECT_EQ(hooked_[0].trace_id, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700");
}

TEST_F(LambdaHandlerTest, ScheduledEventIsAFullFailover) {
  RuntimePost post = ServeOne(R"({"version":"0","id":"e1","detail-type":"Scheduled Event",
      "source":"aws.events","account":"123456789012","time":"2026-11-25T21:40:00Z",
      "region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/dr-dr-failover-test"],
      "detail":{}})");
  ASSERT_EQ(post.kind, "response");
  EXPECT_EQ(post.Json().at("status"), "SUCCEEDED");
  EXPECT_EQ(post.Json().at("report").at("steps").size(), 2u) << "every step ran";
}

TEST_F(LambdaHandlerTest, CheckEventAnswersWithTheCheckAndLogsEachFindingAndChangesNothing) {
  RuntimePost post = ServeOne(R"({"check": true})");
  ASSERT_EQ(post.kind, "response");
  json check = post.Json();
  EXPECT_EQ(check.at("schema"), "drfailover.check/v1");
  // The groups launch from nothing the fake knows: a run would not get instances.
  EXPECT_EQ(check.at("verdict"), "not_ready");
  ASSERT_EQ(check.at("steps").size(), 2u);
  EXPECT_EQ(check.at("api_calls").at("totals").at("mutating"), 0);
  EXPECT_EQ(aws_.Count(kAutoScaling, "UpdateAutoScalingGroup"), 0);
  for (const std::string& call : aws_.Unscripted()) {
    EXPECT_THAT(
        call, ::testing::AnyOf(HasSubstr(".Describe"), HasSubstr(".Get"), HasSubstr(".Simulate")));
  }
  const std::vector<std::string> lines = log_.Lines();
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& line) {
    return line ==
           "ERROR: check not_ready: dr-jenkins has neither a launch template nor a launch "
           "configuration";
  })) << ::testing::PrintToString(lines);
}

TEST_F(LambdaHandlerTest, BadEventPostsAnInvocationErrorAndCallsNoAws) {
  RuntimePost post = ServeOne(R"({"dry_run": "yes"})");
  ASSERT_EQ(post.kind, "error");
  EXPECT_EQ(post.request_id, "req-1");
  EXPECT_EQ(post.error_type, "Function.InvalidEvent");
  json body = post.Json();
  EXPECT_EQ(body.at("errorType"), "Function.InvalidEvent");
  EXPECT_THAT(body.at("errorMessage").get<std::string>(),
              HasSubstr("dry_run: expected true or false"));
  EXPECT_EQ(body.at("stackTrace"), json::array());
  EXPECT_EQ(aws_http_.request_count(), 0u);
  EXPECT_EQ(log_.Lines().front(), R"(INFO: Received event: {"dry_run":"yes"})");
}

TEST_F(LambdaHandlerTest, InvalidJsonNamesTheBytePosition) {
  RuntimePost post = ServeOne("{\"dry_run\": tru}");
  ASSERT_EQ(post.kind, "error");
  EXPECT_EQ(post.error_type, "Function.InvalidEvent");
  EXPECT_THAT(post.Json().at("errorMessage").get<std::string>(),
              HasSubstr("invalid JSON at byte 16"));
  EXPECT_EQ(log_.Lines().front(), "INFO: Received event: {\"dry_run\": tru}");
}

// Logging the event must not recurse through it: a deeply nested event is logged as
// received (cut) and answered with an invocation error.
TEST_F(LambdaHandlerTest, DeeplyNestedEventIsAnInvalidEventLoggedAsReceived) {
  RuntimePost post = ServeOne(std::string(300000, '[') + std::string(300000, ']'));
  ASSERT_EQ(post.kind, "error");
  EXPECT_EQ(post.error_type, "Function.InvalidEvent");
  EXPECT_THAT(post.Json().at("errorMessage").get<std::string>(),
              HasSubstr("nested more than 32 levels deep"));
  EXPECT_EQ(log_.Lines().front(), "INFO: Received event: " + std::string(4096, '[') + "...");
  EXPECT_EQ(aws_http_.request_count(), 0u);
}

TEST_F(LambdaHandlerTest, UnknownStepIdIsAnInvalidEventNamingIt) {
  RuntimePost post = ServeOne(R"({"steps": ["scale-asg:dr-jenkins", "scale-asg:dr-nope"]})");
  ASSERT_EQ(post.kind, "error");
  EXPECT_EQ(post.error_type, "Function.InvalidEvent");
  std::string message = post.Json().at("errorMessage");
  EXPECT_THAT(message, HasSubstr("unknown step id \"scale-asg:dr-nope\""));
  EXPECT_THAT(message, HasSubstr("scale-asg:dr-jenkins, scale-asg:dr-monitoring"));
  EXPECT_EQ(aws_.Count(kAutoScaling, "DescribeAutoScalingGroups"), 0) << "nothing ran";
}

TEST_F(LambdaHandlerTest, DryRunOfASubsetPreviewsOnlyThoseSteps) {
  aws_.On(kAutoScaling, "DescribeAutoScalingGroups",
          [](const AwsCall& call) { return AsgReplyToAll(call, 0, 0, 0, 0); });
  RuntimePost post = ServeOne(R"({"dry_run": true, "steps": ["scale-asg:dr-monitoring"]})");
  ASSERT_EQ(post.kind, "response");
  json response = post.Json();
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_EQ(Body(response), "DR failover plan computed (no changes made)");
  EXPECT_EQ(response.at("report").at("mode"), "plan");
  ASSERT_EQ(response.at("report").at("steps").size(), 1u);
  EXPECT_EQ(response.at("report").at("steps")[0].at("id"), "scale-asg:dr-monitoring");
  std::vector<AwsCall> calls = aws_.Calls(kAutoScaling, "DescribeAutoScalingGroups");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].Param("AutoScalingGroupNames.member.1"), "dr-monitoring");
  EXPECT_EQ(aws_.Count(kAutoScaling, "UpdateAutoScalingGroup"), 0);
}

TEST_F(LambdaHandlerTest, SubsetKeepsTheOrderThroughLeftOutSteps) {
  // Sequential: jenkins -> monitoring -> registration. Leaving monitoring out, the
  // registration still waits for jenkins.
  env_.Set("TARGET_GROUPS",
           R"({"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/dr-grafana-tg/1":
               {"type":"instance","source_asg":"dr-monitoring"}})");
  aws_.Reply(kElbv2, "DescribeTargetGroups",
             FakeAws::QueryOk("DescribeTargetGroups",
                              "<TargetGroups><member><TargetGroupArn>arn:aws:elasticloadbalancing:"
                              "us-east-1:123456789012:targetgroup/dr-grafana-tg/1</TargetGroupArn>"
                              "<TargetGroupName>dr-grafana-tg</TargetGroupName><Port>3000</Port>"
                              "<TargetType>instance</TargetType></member></TargetGroups>"));
  RuntimePost post = ServeOne(
      R"({"dry_run": true, "ordering": "sequential",
          "steps": ["register-targets:dr-grafana-tg", "scale-asg:dr-jenkins"]})");
  ASSERT_EQ(post.kind, "response") << post.body;
  json steps = post.Json().at("report").at("steps");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].at("id"), "scale-asg:dr-jenkins");
  EXPECT_EQ(steps[0].at("depends_on"), json::array());
  EXPECT_EQ(steps[1].at("id"), "register-targets:dr-grafana-tg");
  EXPECT_EQ(steps[1].at("depends_on"), json::array({"scale-asg:dr-jenkins"}));
}

TEST_F(LambdaHandlerTest, FailedStepAnswers500WithTheOriginalsPrefix) {
  // dr-jenkins is at 0 and may not be changed; dr-monitoring has failed over already.
  aws_.On(kAutoScaling, "DescribeAutoScalingGroups", [](const AwsCall& call) {
    return AsgReplyToAll(call, [](const std::string& name) {
      return name == "dr-jenkins" ? AsgMember(name, 0, 0, 0, 0) : AsgMember(name, 1, 3, 1, 1);
    });
  });
  aws_.Reply(kAutoScaling, "CreateOrUpdateTags", FakeAws::QueryOk("CreateOrUpdateTags", ""));
  aws_.Reply(kAutoScaling, "UpdateAutoScalingGroup",
             FakeAws::QueryError(403, "AccessDenied", "not allowed to update dr-jenkins"));
  RuntimePost post = ServeOne("{}");
  ASSERT_EQ(post.kind, "response");
  json response = post.Json();
  EXPECT_EQ(response.at("statusCode"), 500);
  EXPECT_EQ(response.at("status"), "PARTIAL");
  EXPECT_EQ(response.at("open_steps"), json::array({"scale-asg:dr-jenkins"}));
  std::string body = Body(response);
  EXPECT_EQ(body.rfind("Error during DR failover: scale-asg:dr-jenkins failed: ", 0), 0u) << body;
  EXPECT_THAT(body, HasSubstr("not allowed to update dr-jenkins"));
  EXPECT_THAT(log_.Text(), HasSubstr("\nERROR: Error during DR failover: scale-asg:dr-jenkins"));
}

TEST_F(LambdaHandlerTest, RunThatCannotStartAnswers500WithTheReason) {
  // ECS_CLUSTER_NAME without ECS_SERVICES: every service, listed at run time.
  env_.Set("ECS_CLUSTER_NAME", "dr");
  aws_.Reply(kEcs, "ListServices",
             FakeAws::JsonError(400, "ClusterNotFoundException", "Cluster not found."));
  RuntimePost post = ServeOne("{}");
  ASSERT_EQ(post.kind, "response");
  json response = post.Json();
  EXPECT_EQ(response.at("statusCode"), 500);
  EXPECT_EQ(response.at("status"), "FAILED");
  // AWS was reached: the report is there, FAILED with no steps and the reason on top.
  EXPECT_EQ(response.at("report").at("status"), "FAILED");
  EXPECT_EQ(response.at("report").at("steps"), json::array());
  EXPECT_EQ(response.at("report").at("error").at("aws").at("code"), "ClusterNotFoundException");
  EXPECT_THAT(Body(response), HasSubstr("Error during DR failover: "));
  EXPECT_THAT(Body(response), HasSubstr("Cluster not found"));
}

TEST_F(LambdaHandlerTest, StopsBeforeTheDeadlineAndAnswersInProgress) {
  // The deadline is already within the margin: no step may start.
  runtime_.AddInvocation("req-late", "{}", clock_.Now() + std::chrono::seconds(3));
  Serve();
  std::vector<RuntimePost> posts = runtime_.posts();
  ASSERT_EQ(posts.size(), 1u);
  json response = posts[0].Json();
  EXPECT_EQ(response.at("statusCode"), 202);
  EXPECT_EQ(Body(response), "DR failover in progress: invoke again to continue");
  EXPECT_EQ(response.at("status"), "IN_PROGRESS");
  EXPECT_EQ(response.at("open_steps"),
            json::array({"scale-asg:dr-jenkins", "scale-asg:dr-monitoring"}));
  EXPECT_EQ(response.at("report").at("stopped"), "deadline");
}

TEST_F(LambdaHandlerTest, EventDeadlineIsNotInProgress) {
  // The event's own deadline_seconds is a limit, not a pause: running out of it fails.
  aws_.On(kAutoScaling, "DescribeAutoScalingGroups", [this](const AwsCall& call) {
    clock_.Advance(std::chrono::seconds(2));
    return AsgReplyToAll(call, 1, 3, 1, 1);
  });
  RuntimePost post = ServeOne(R"({"deadline_seconds": 1, "ordering": "sequential"})");
  json response = post.Json();
  EXPECT_NE(response.at("status"), "IN_PROGRESS");
  EXPECT_EQ(response.at("statusCode"), 500);
  EXPECT_EQ(response.at("report").at("stopped"), "deadline");
}

TEST_F(LambdaHandlerTest, JsonLogsCarryEachInvocationsRequestId) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* file = open_memstream(&buffer, &size);
  ASSERT_NE(file, nullptr);
  env_.Set("AWS_LAMBDA_LOG_FORMAT", "JSON");
  LoggerOptions options = LambdaLoggerOptions(env_);
  options.out = file;
  {
    Logger logger(options, clock_);
    runtime_.AddInvocation("req-a", "{}", clock_.Now() + std::chrono::minutes(5));
    runtime_.AddInvocation("req-b", "{\"steps\": 1}", clock_.Now() + std::chrono::minutes(5));
    RuntimeClient client(RuntimeClientOptions{FakeRuntimeApi::kHost}, runtime_http_);
    ServeLambda(client, {env_, aws_http_, clock_, nullptr}, logger);
  }
  std::fclose(file);
  std::string text(buffer, size);
  std::free(buffer);

  std::vector<json> records;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    records.push_back(json::parse(text.substr(start, nl - start)));  // every line is JSON
  }
  ASSERT_GE(records.size(), 3u);
  EXPECT_EQ(records[0].at("message"), "Received event: {}");
  EXPECT_EQ(records[0].at("level"), "INFO");
  EXPECT_EQ(records[0].at("requestId"), "req-a");
  EXPECT_TRUE(records[0].contains("timestamp"));
  auto second = std::find_if(records.begin(), records.end(), [](const json& r) {
    return r.at("message") == "Received event: {\"steps\":1}";
  });
  ASSERT_NE(second, records.end());
  EXPECT_EQ(second->at("requestId"), "req-b");
  EXPECT_EQ(records.back().at("requestId"), "req-b");

  std::vector<RuntimePost> posts = runtime_.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].kind, "response");
  EXPECT_EQ(posts[0].request_id, "req-a");
  EXPECT_EQ(posts[1].kind, "error");
  EXPECT_EQ(posts[1].request_id, "req-b");
}

TEST_F(LambdaHandlerTest, RejectedResponseIsReplacedByAnError) {
  runtime_.AddInvocation("req-1", "{}", clock_.Now() + std::chrono::minutes(5));
  runtime_.FailNextPost(413);
  EXPECT_EQ(Serve(), static_cast<int>(ExitCode::kFailed));
  std::vector<RuntimePost> posts = runtime_.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].kind, "response");
  EXPECT_EQ(posts[1].kind, "error");
  EXPECT_EQ(posts[1].error_type, "Function.InternalError");
  EXPECT_THAT(posts[1].Json().at("errorMessage").get<std::string>(), HasSubstr("413"));
  EXPECT_EQ(runtime_.next_calls(), 2) << "the loop went on after the rejection";
}

TEST_F(LambdaHandlerTest, RuntimeApiServerErrorOnPostExits) {
  runtime_.AddInvocation("req-1", "{}", clock_.Now() + std::chrono::minutes(5));
  runtime_.AddInvocation("req-2", "{}", clock_.Now() + std::chrono::minutes(5));
  runtime_.FailNextPost(500);
  EXPECT_EQ(Serve(), static_cast<int>(ExitCode::kFailed));
  EXPECT_EQ(runtime_.next_calls(), 1) << "req-2 never fetched";
  EXPECT_THAT(log_.Text(), HasSubstr("Runtime API unusable, exiting"));
}

TEST_F(LambdaHandlerTest, OversizedResponseLeavesTheReportOut) {
  LambdaHandlerOptions options;
  options.max_response_bytes = 400;
  runtime_.AddInvocation("req-1", "{}", clock_.Now() + std::chrono::minutes(5));
  Serve(options);
  json response = runtime_.posts().at(0).Json();
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_TRUE(response.at("report").is_null());
  EXPECT_THAT(response.at("report_omitted").get<std::string>(), HasSubstr("400 bytes"));
}

class LambdaInitTest : public LambdaHandlerTest {};

TEST_F(LambdaInitTest, InvalidConfigurationPostsInitErrorAndExits) {
  env_.Set("TARGET_GROUPS", "{not json");
  EXPECT_EQ(Serve(), static_cast<int>(ExitCode::kInvalidConfig));
  std::vector<RuntimePost> posts = runtime_.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].kind, "init-error");
  EXPECT_EQ(posts[0].error_type, "Function.InvalidConfig");
  EXPECT_THAT(posts[0].Json().at("errorMessage").get<std::string>(), HasSubstr("TARGET_GROUPS"));
  EXPECT_EQ(runtime_.next_calls(), 0);
  EXPECT_EQ(aws_http_.request_count(), 0u);
}

TEST_F(LambdaInitTest, NothingConfiguredIsAnInitError) {
  env_.Unset("JENKINS_ASG_NAME");
  env_.Unset("MONITORING_ASG_NAME");
  EXPECT_EQ(Serve(), static_cast<int>(ExitCode::kInvalidConfig));
  ASSERT_EQ(runtime_.posts().size(), 1u);
  EXPECT_EQ(runtime_.posts()[0].kind, "init-error");
}

TEST_F(LambdaInitTest, MissingRegionIsAnInitError) {
  env_.Unset("AWS_REGION");
  EXPECT_EQ(Serve(), static_cast<int>(ExitCode::kInvalidConfig));
  ASSERT_EQ(runtime_.posts().size(), 1u);
  EXPECT_EQ(runtime_.posts()[0].error_type, "Function.InvalidConfig");
}

TEST_F(LambdaInitTest, RelativePlanFileIsResolvedAgainstTheTaskRoot) {
  env_.Set("LAMBDA_TASK_ROOT", "/var/task");
  env_.Set("DRF_PLAN_FILE", "plans/dr.json");
  env_.AddFile("/var/task/plans/dr.json",
               R"({"version": 1, "steps": [{"scale_asg": {"name": "dr-jenkins"}}]})");
  RuntimePost post = ServeOne("{}");
  ASSERT_EQ(post.kind, "response") << post.body;
  json report = post.Json().at("report");
  EXPECT_EQ(report.at("plan_source"), "/var/task/plans/dr.json");
  EXPECT_EQ(report.at("steps").size(), 1u);
}

TEST_F(LambdaInitTest, MissingPlanFileNamesTheVariableAndPath) {
  env_.Set("LAMBDA_TASK_ROOT", "/var/task/");
  env_.Set("DRF_PLAN_FILE", "missing.yaml");
  EXPECT_EQ(Serve(), static_cast<int>(ExitCode::kInvalidConfig));
  ASSERT_EQ(runtime_.posts().size(), 1u);
  std::string message = runtime_.posts()[0].Json().at("errorMessage");
  EXPECT_THAT(message, HasSubstr("DRF_PLAN_FILE"));
  EXPECT_THAT(message, HasSubstr("/var/task/missing.yaml"));
}

TEST(StopAtTest, MarginIsFivePercentBetweenFiveAndThirtySeconds) {
  FakeClock clock;
  LambdaHandlerOptions options;
  MonoTime now = clock.Monotonic();
  auto stop = [&](std::chrono::seconds remaining) {
    return StopsFor(clock.Now() + remaining, clock, options).steps - now;
  };
  using std::chrono::seconds;
  EXPECT_EQ(stop(seconds(300)), seconds(285));  // 5 % = 15 s
  EXPECT_EQ(stop(seconds(60)), seconds(55));    // 5 % = 3 s < 5 s
  EXPECT_EQ(stop(seconds(900)), seconds(870));  // 5 % = 45 s > 30 s
  EXPECT_EQ(stop(seconds(4)), seconds(0));      // inside the margin: stop at once
  EXPECT_EQ(stop(seconds(-10)), seconds(0));    // already past
  options.min_margin = std::chrono::milliseconds(500);
  options.margin_fraction = 0;
  EXPECT_EQ(stop(seconds(3)), std::chrono::milliseconds(2500));
}

TEST(StopAtTest, AwsCallsEndHalfwayThroughTheMargin) {
  FakeClock clock;
  LambdaHandlerOptions options;
  MonoTime now = clock.Monotonic();
  auto calls_end = [&](std::chrono::seconds remaining) {
    return StopsFor(clock.Now() + remaining, clock, options).aws_calls - now;
  };
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  EXPECT_EQ(calls_end(seconds(300)), milliseconds(292500));  // steps stop at 285 s
  EXPECT_EQ(calls_end(seconds(60)), milliseconds(57500));    // steps stop at 55 s
  EXPECT_EQ(calls_end(seconds(4)), seconds(2));              // steps stop at once
  EXPECT_EQ(calls_end(seconds(-10)), seconds(0));
}

}  // namespace
}  // namespace drf
