#include "steps/register_targets.h"

#include <gtest/gtest.h>

#include "steps/scale_ecs.h"
#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::DescribeAsgReply;
using steps_testing::DescribeServicesReply;
using steps_testing::DescribeTargetGroupReply;
using steps_testing::FakeInstance;
using steps_testing::ServiceJson;
using steps_testing::StepHarness;
using steps_testing::TargetHealthReply;
using steps_testing::TaskArn;
using steps_testing::TaskJson;

constexpr char kTg[] = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/1";

StepSpec AsgSpec(std::optional<int> port = std::nullopt) {
  RegisterTargetsSpec detail;
  detail.target_group_arn = kTg;
  detail.source = RegisterTargetsSpec::Source::kAsg;
  detail.source_asg = "dr-jenkins";
  detail.port = port;
  StepSpec spec;
  spec.id = "register-targets:tg";
  spec.kind = StepKind::kRegisterTargets;
  spec.detail = detail;
  return spec;
}

StepSpec EcsSpec() {
  StepSpec spec = AsgSpec();
  auto& detail = std::get<RegisterTargetsSpec>(spec.detail);
  detail.source = RegisterTargetsSpec::Source::kEcsService;
  detail.source_asg.clear();
  detail.source_cluster = "dr";
  detail.source_service = "frontend";
  return spec;
}

class RegisterTargetsTest : public ::testing::Test {
 protected:
  RegisterTargetsStep Step(StepSpec spec) {
    return RegisterTargetsStep(std::move(spec), h_.elbv2, h_.autoscaling, h_.ecs, h_.reads);
  }
  void TargetGroup(const std::string& type, int port) {
    h_.aws.Reply(services::kElbv2, "DescribeTargetGroups",
                 DescribeTargetGroupReply(kTg, type, port));
  }
  void Health(std::vector<steps_testing::FakeTarget> targets) {
    h_.aws.Reply(services::kElbv2, "DescribeTargetHealth", TargetHealthReply(targets));
  }
  void Asg(std::vector<HttpResponse> replies) {
    h_.aws.Replies(services::kAutoScaling, "DescribeAutoScalingGroups", std::move(replies));
  }
  void RegisterSucceeds() {
    h_.aws.Reply(services::kElbv2, "DescribeTags",
                 FakeAws::QueryOk("DescribeTags", "<TagDescriptions><member><ResourceArn>" +
                                                      std::string(kTg) +
                                                      "</ResourceArn><Tags/></member>"
                                                      "</TagDescriptions>"));
    h_.aws.Reply(services::kElbv2, "AddTags", FakeAws::QueryOk("AddTags", "", "req-tag"));
    int n = 0;
    h_.aws.On(services::kElbv2, "RegisterTargets", [n](const AwsCall&) mutable {
      return FakeAws::QueryOk("RegisterTargets", "", "req-register-" + std::to_string(++n));
    });
  }
  std::vector<AwsCall> Registers() const {
    return h_.aws.Calls(services::kElbv2, "RegisterTargets");
  }
  // An empty ip target group on port 3000 that takes registrations, and service frontend's
  // one task t1 listed and RUNNING at 10.0.1.5 (the service's own replies are the test's).
  void IpGroupOfFrontendWithOneTask() {
    TargetGroup("ip", 3000);
    Health({});
    RegisterSucceeds();
    h_.aws.Reply(services::kEcs, "ListTasks",
                 FakeAws::JsonOk({{"taskArns", {TaskArn("dr", "t1")}}}));
    h_.aws.Reply(services::kEcs, "DescribeTasks",
                 FakeAws::JsonOk(
                     {{"tasks", {TaskJson("dr", "t1", "service:frontend", "RUNNING", "10.0.1.5")}},
                      {"failures", nlohmann::json::array()}}));
  }

  StepHarness h_;
};

TEST_F(RegisterTargetsTest, WaitsForInServiceInstancesAndRegistersOnlyTheMissingOnes) {
  TargetGroup("instance", 8080);
  Health({{"i-1", 8080}});
  RegisterSucceeds();
  Asg({DescribeAsgReply("dr-jenkins", 1, 3, 2, {{"i-1"}, {"i-2", "Pending"}}),
       DescribeAsgReply("dr-jenkins", 1, 3, 2, {{"i-1"}, {"i-2", "InService", "Unhealthy"}}),
       DescribeAsgReply("dr-jenkins", 1, 3, 2, {{"i-1"}, {"i-2"}})});
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(h_.aws.Count(services::kAutoScaling, "DescribeAutoScalingGroups"), 3);
  std::vector<AwsCall> registers = Registers();
  ASSERT_EQ(registers.size(), 1u);
  const AwsCall& call = registers[0];
  EXPECT_EQ(call.Param("TargetGroupArn"), kTg);
  EXPECT_EQ(call.Param("Targets.member.1.Id"), "i-2");
  EXPECT_EQ(call.Param("Targets.member.1.Port"), "8080");  // the group's own port
  EXPECT_EQ(call.params.count("Targets.member.2.Id"), 0u);
  EXPECT_EQ(
      h_.log.Lines(),
      (std::vector<std::string>{
          std::string("INFO: Registering instances from ASG dr-jenkins with target group ") + kTg,
          std::string("INFO: Successfully registered 1 instances with target group ") + kTg}));
  EXPECT_EQ(result.before, (nlohmann::json{{"registered", {"i-1:8080"}}}));
  EXPECT_EQ(result.after, (nlohmann::json{{"registered", {"i-1:8080", "i-2:8080"}}}));
  // Recorded first, for failback: the target it registers, not the one already there.
  std::vector<AwsCall> tags = h_.aws.Calls(services::kElbv2, "AddTags");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].Param("ResourceArns.member.1"), kTg);
  EXPECT_EQ(tags[0].Param("Tags.member.1.Key"), "drfailover:registered");
  EXPECT_EQ(tags[0].Param("Tags.member.1.Value"), "i-2:8080");
  ASSERT_EQ(result.calls.size(), 2u);
  EXPECT_EQ(result.calls[0].operation, "ELBv2.AddTags");
  EXPECT_EQ(result.calls[1].operation, "ELBv2.RegisterTargets");
  EXPECT_EQ(result.calls[1].request_id, "req-register-1");
  EXPECT_EQ(result.waiting, std::chrono::milliseconds(2500));
}

TEST_F(RegisterTargetsTest, RegistersIpsOfTheServicesRunningTasksOnly) {
  TargetGroup("ip", 3000);
  Health({});
  RegisterSucceeds();
  h_.aws.Reply(services::kEcs, "DescribeServices",
               DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 2, 2)));
  // ListTasks' serviceName filter is ignored by moto: another service's task comes back.
  h_.aws.Reply(
      services::kEcs, "ListTasks",
      FakeAws::JsonOk(
          {{"taskArns", {TaskArn("dr", "t1"), TaskArn("dr", "t2"), TaskArn("dr", "t3")}}}));
  h_.aws.Reply(
      services::kEcs, "DescribeTasks",
      FakeAws::JsonOk({{"tasks",
                        {TaskJson("dr", "t1", "service:frontend", "RUNNING", "10.0.1.5"),
                         TaskJson("dr", "t2", "service:notification", "RUNNING", "10.0.1.6"),
                         TaskJson("dr", "t3", "service:frontend", "RUNNING", "10.0.1.7")}},
                       {"failures", nlohmann::json::array()}}));
  RegisterTargetsStep step = Step(EcsSpec());

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  std::vector<AwsCall> lists = h_.aws.Calls(services::kEcs, "ListTasks");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].json["serviceName"], "frontend");
  EXPECT_EQ(lists[0].json["desiredStatus"], "RUNNING");
  ASSERT_EQ(Registers().size(), 1u);
  EXPECT_EQ(Registers()[0].Param("Targets.member.1.Id"), "10.0.1.5");
  EXPECT_EQ(Registers()[0].Param("Targets.member.2.Id"), "10.0.1.7");
  EXPECT_EQ(Registers()[0].Param("Targets.member.2.Port"), "3000");
  EXPECT_EQ(Registers()[0].params.count("Targets.member.3.Id"), 0u);
  EXPECT_EQ(h_.log.Lines(),
            (std::vector<std::string>{
                std::string("INFO: Registering tasks from ECS service dr/frontend with target "
                            "group ") +
                    kTg,
                std::string("INFO: Successfully registered 2 tasks with target group ") + kTg}));
  EXPECT_TRUE(h_.clock.sleeps().empty());
}

// The scaling step's wait ends on a reading of the service and its running tasks; the
// registration that follows takes it rather than sending the same three reads again, unless
// it comes more than 2 s later.
class AfterScalingTest : public RegisterTargetsTest {
 protected:
  AfterScalingTest() {
    IpGroupOfFrontendWithOneTask();
    h_.aws.Reply(services::kEcs, "DescribeServices",
                 DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 0, 0)));
    h_.aws.On(services::kEcs, "UpdateService", [this](const AwsCall&) {
      h_.aws.Reply(services::kEcs, "DescribeServices",
                   DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 1, 1)));
      return FakeAws::JsonOk({{"service", ServiceJson("dr", "frontend", "ACTIVE", 1, 0)}});
    });
    h_.aws.Reply(services::kEcs, "TagResource", FakeAws::JsonOk(nlohmann::json::object()));
  }
  StepResult Scale() {
    StepSpec spec;
    spec.id = "scale-ecs:dr/frontend";
    spec.kind = StepKind::kScaleEcs;
    spec.detail = ScaleEcsSpec{"dr", {"frontend"}, false, 1, true, CapacityWait::kYes};
    return ScaleEcsStep(std::move(spec), h_.ecs, h_.reads).Run(h_.ctx);
  }
  int EcsReads() const {
    return h_.aws.Count(services::kEcs, "DescribeServices") +
           h_.aws.Count(services::kEcs, "ListTasks") +
           h_.aws.Count(services::kEcs, "DescribeTasks");
  }
};

TEST_F(AfterScalingTest, TheRegistrationTakesTheReadingTheScalingStepsWaitEndedOn) {
  ASSERT_EQ(Scale().state, StepState::kSucceeded);
  const int scaling_reads = EcsReads();
  EXPECT_EQ(scaling_reads, 4) << "inspect, then one poll: service, task list, tasks";

  StepResult result = Step(EcsSpec()).Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(EcsReads(), scaling_reads) << "no ECS read of its own";
  ASSERT_EQ(Registers().size(), 1u);
  EXPECT_EQ(Registers()[0].Param("Targets.member.1.Id"), "10.0.1.5");
  EXPECT_EQ(h_.reads.passed_on_used(), 1);
}

TEST_F(AfterScalingTest, ARegistrationComingLaterReadsTheTasksAgain) {
  ASSERT_EQ(Scale().state, StepState::kSucceeded);
  const int scaling_reads = EcsReads();
  h_.clock.Advance(SharedReads::kFreshFor + std::chrono::milliseconds(1));

  StepResult result = Step(EcsSpec()).Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(EcsReads(), scaling_reads + 3);
  ASSERT_EQ(Registers().size(), 1u);
  EXPECT_EQ(h_.reads.passed_on_used(), 0);
}

// The first poll comes as the scaling step ends: a service that reports no task running yet
// is taken at its word (no ListTasks, no DescribeTasks); the next poll lists its tasks.
TEST_F(RegisterTargetsTest, TheFirstPollListsNoTaskOfAServiceReportingNoneRunning) {
  IpGroupOfFrontendWithOneTask();
  h_.aws.Replies(services::kEcs, "DescribeServices",
                 {DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 1, 0)),
                  DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 1, 1))});

  StepResult result = Step(EcsSpec()).Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(h_.aws.Count(services::kEcs, "DescribeServices"), 2);
  EXPECT_EQ(h_.aws.Count(services::kEcs, "ListTasks"), 1);
  EXPECT_EQ(h_.aws.Count(services::kEcs, "DescribeTasks"), 1);
  EXPECT_EQ(h_.clock.sleeps().size(), 1u);
  ASSERT_EQ(Registers().size(), 1u);
  EXPECT_EQ(Registers()[0].Param("Targets.member.1.Id"), "10.0.1.5");
}

// A count that stays behind the tasks costs one poll, not the wait: from the second poll on
// the tasks are listed whatever the service reports.
TEST_F(RegisterTargetsTest, AServiceCountLaggingBehindItsTasksCostsOnePoll) {
  IpGroupOfFrontendWithOneTask();
  h_.aws.Reply(services::kEcs, "DescribeServices",
               DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 1, 0)));

  StepResult result = Step(EcsSpec()).Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(h_.clock.sleeps().size(), 1u);
  ASSERT_EQ(Registers().size(), 1u);
  EXPECT_EQ(Registers()[0].Param("Targets.member.1.Id"), "10.0.1.5");
}

TEST_F(RegisterTargetsTest, AllRegisteredIsUnchanged) {
  TargetGroup("instance", 80);
  Health({{"i-1", 80}});
  Asg({DescribeAsgReply("dr-jenkins", 1, 3, 1, {{"i-1"}})});
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_TRUE(Registers().empty());
  EXPECT_EQ(h_.log.Lines(),
            (std::vector<std::string>{std::string("INFO: All 1 instances from ASG dr-jenkins are "
                                                  "already registered with target group ") +
                                      kTg}));
}

TEST_F(RegisterTargetsTest, SamePortDifferentIdOrDrainingIsRegistered) {
  // i-1 is registered on another port, i-2 is draining: both need registering on 9000.
  TargetGroup("instance", 80);
  Health({{"i-1", 80}, {"i-2", 9000, "draining"}});
  RegisterSucceeds();
  Asg({DescribeAsgReply("dr-jenkins", 1, 3, 2, {{"i-1"}, {"i-2"}})});
  RegisterTargetsStep step = Step(AsgSpec(9000));

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Registers().size(), 1u);
  EXPECT_EQ(Registers()[0].Param("Targets.member.1.Port"), "9000");
  EXPECT_EQ(Registers()[0].Param("Targets.member.2.Id"), "i-2");
}

TEST_F(RegisterTargetsTest, RegistersInBatchesOfOneHundred) {
  TargetGroup("instance", 80);
  Health({});
  RegisterSucceeds();
  std::vector<FakeInstance> instances;
  for (int i = 0; i < 150; ++i) instances.push_back({"i-" + std::to_string(i)});
  Asg({DescribeAsgReply("dr-jenkins", 150, 150, 150, instances)});
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Registers().size(), 2u);
  EXPECT_EQ(Registers()[0].Param("Targets.member.100.Id"), "i-99");
  EXPECT_EQ(Registers()[0].params.count("Targets.member.101.Id"), 0u);
  EXPECT_EQ(Registers()[1].Param("Targets.member.50.Id"), "i-149");
  ASSERT_EQ(result.calls.size(), 3u);  // the record of all 150 (in several tags), 2 batches
  EXPECT_EQ(result.calls[0].operation, "ELBv2.AddTags");
  EXPECT_EQ(result.calls[2].request_id, "req-register-2");
  EXPECT_EQ(h_.log.Lines().back(),
            std::string("INFO: Successfully registered 150 instances with target group ") + kTg);
}

TEST_F(RegisterTargetsTest, CancelBetweenBatchesStopsAndReportsTheFirst) {
  TargetGroup("instance", 80);
  Health({});
  h_.aws.On(services::kElbv2, "RegisterTargets", [this](const AwsCall&) {
    h_.cancel.Cancel();  // a signal arrives during the first batch
    return FakeAws::QueryOk("RegisterTargets", "", "req-first");
  });
  std::vector<FakeInstance> instances;
  for (int i = 0; i < 150; ++i) instances.push_back({"i-" + std::to_string(i)});
  Asg({DescribeAsgReply("dr-jenkins", 150, 150, 150, instances)});
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kCancelled);
  EXPECT_EQ(Registers().size(), 1u);
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.summary,
            "registered 100 instances of ASG dr-jenkins on port 80; run cancelled while "
            "registering");
}

TEST_F(RegisterTargetsTest, InstanceGroupWithAnEcsSourceFails) {
  TargetGroup("instance", 80);
  RegisterTargetsStep step = Step(EcsSpec());

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.error.message().find("has target type instance, but its source ECS service "
                                        "dr/frontend provides task IPs"),
            std::string::npos)
      << result.error.message();
  EXPECT_EQ(h_.aws.Count(services::kEcs, "DescribeServices"), 0);
  EXPECT_TRUE(Registers().empty());
}

TEST_F(RegisterTargetsTest, IpGroupWithAnAsgSourceFails) {
  TargetGroup("ip", 80);
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_NE(result.error.message().find("needs type instance"), std::string::npos);
  EXPECT_TRUE(Registers().empty());
}

TEST_F(RegisterTargetsTest, SourceWithoutCapacityFailsAtOnce) {
  TargetGroup("instance", 80);
  Asg({DescribeAsgReply("dr-jenkins", 0, 0, 0)});
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_NE(result.error.message().find("source has no capacity: ASG dr-jenkins wants 0"),
            std::string::npos)
      << result.error.message();
  EXPECT_TRUE(h_.clock.sleeps().empty());
}

TEST_F(RegisterTargetsTest, DeadlineRegistersWhatIsReadyAndTimesOut) {
  h_.SetTimeout(std::chrono::seconds(30));
  TargetGroup("instance", 80);
  Health({});
  RegisterSucceeds();
  Asg({DescribeAsgReply("dr-jenkins", 1, 3, 2, {{"i-1"}, {"i-2", "Pending"}})});
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kTimedOut);
  ASSERT_EQ(Registers().size(), 1u);
  EXPECT_EQ(Registers()[0].Param("Targets.member.1.Id"), "i-1");
  ASSERT_EQ(result.calls.size(), 2u);  // the record and the registration
  EXPECT_EQ(result.calls[1].operation, "ELBv2.RegisterTargets");
  EXPECT_NE(result.summary.find("1 of 2 instances of ASG dr-jenkins ready"), std::string::npos)
      << result.summary;
}

TEST_F(RegisterTargetsTest, DeadlineWithNothingReadyRegistersNothing) {
  h_.SetTimeout(std::chrono::seconds(30));
  TargetGroup("instance", 80);
  Asg({DescribeAsgReply("dr-jenkins", 1, 3, 1, {{"i-1", "Pending"}})});
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kTimedOut);
  EXPECT_TRUE(Registers().empty());
  EXPECT_EQ(h_.aws.Count(services::kElbv2, "DescribeTargetHealth"), 0);
}

TEST_F(RegisterTargetsTest, MissingTargetGroupFails) {
  h_.aws.Reply(
      services::kElbv2, "DescribeTargetGroups",
      FakeAws::QueryError(400, "TargetGroupNotFound", "One or more target groups not found"));
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_NE(result.error.message().find(kTg), std::string::npos);
}

TEST_F(RegisterTargetsTest, PreviewListsWhatWouldBeRegistered) {
  TargetGroup("instance", 8080);
  Health({});
  Asg({DescribeAsgReply("dr-jenkins", 0, 0, 0)});
  RegisterTargetsStep step = Step(AsgSpec());

  StepResult result = step.Preview(h_.ctx);

  // Before the scale step the group is empty; the preview says registration will follow.
  EXPECT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_NE(result.changes[0].find("once"), std::string::npos) << result.changes[0];
  EXPECT_TRUE(Registers().empty());
}

}  // namespace
}  // namespace drf
