#include "steps/run_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::StepHarness;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

// Records what it was asked to run and answers as scripted.
class FakeCommands final : public CommandRunner {
 public:
  Result<CommandResult> Run(const CommandRequest& request) override {
    requests.push_back(request);
    return reply;
  }
  std::vector<CommandRequest> requests;
  Result<CommandResult> reply = CommandResult{
      0, 0, false, false, "warmed\n", "", false, false, std::chrono::milliseconds(1500)};
};

StepSpec CommandSpec(std::vector<std::string> argv,
                     std::vector<std::pair<std::string, std::string>> env = {}) {
  StepSpec spec;
  spec.id = "run-command:warm-cache";
  spec.kind = StepKind::kRunCommand;
  spec.detail = RunCommandSpec{std::move(argv), std::move(env)};
  return spec;
}

class RunCommandTest : public ::testing::Test {
 protected:
  RunCommandTest() {
    facts_.SetRun("host:42@2026-12-06T12:00:00Z", "us-west-2");
    StepResult promoted;
    promoted.state = StepState::kSucceeded;
    promoted.after = {{"status", "available"},
                      {"endpoint", "dr-db.abc.us-west-2.rds.amazonaws.com"}};
    facts_.StepFinished("promote-db:dr-db", promoted);
    h_.ctx.step_id = "run-command:warm-cache";
  }
  StepResult Run(const StepSpec& spec, CommandRunner* runner) {
    RunCommandStep step(spec, runner, facts_);
    return step.Run(h_.ctx);
  }

  StepHarness h_;
  RunFacts facts_;
  FakeCommands commands_;
};

TEST_F(RunCommandTest, RunsTheProgramWithTheRunsFacts) {
  StepResult result =
      Run(CommandSpec({"./warm-cache", "--db", "${promote-db:dr-db.endpoint}", "${region}"},
                      {{"TARGET", "${promote-db:dr-db.status}"}}),
          &commands_);
  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(commands_.requests.size(), 1u);
  const CommandRequest& sent = commands_.requests[0];
  EXPECT_EQ(sent.argv,
            (std::vector<std::string>{"./warm-cache", "--db",
                                      "dr-db.abc.us-west-2.rds.amazonaws.com", "us-west-2"}));
  EXPECT_THAT(sent.env, Contains(Pair("TARGET", "available")));
  EXPECT_THAT(sent.env, Contains(Pair("DRF_REGION", "us-west-2")));
  EXPECT_THAT(sent.env, Contains(Pair("DRF_RUN_ID", "host:42@2026-12-06T12:00:00Z")));
  EXPECT_THAT(sent.env, Contains(Pair("DRF_STEP_ID", "run-command:warm-cache")));
  EXPECT_EQ(sent.deadline, h_.ctx.deadline) << "the step's deadline bounds the program";
  EXPECT_EQ(result.after["exit_code"], 0);
  EXPECT_EQ(result.after["stdout"], "warmed\n");
  EXPECT_EQ(result.summary,
            "ran ./warm-cache --db dr-db.abc.us-west-2.rds.amazonaws.com us-west-2 (exit 0, 1s)");
  ASSERT_EQ(result.calls.size(), 1u) << "the report lists the hook as an action taken";
  EXPECT_EQ(result.calls[0].operation, "Hook.RunCommand");
}

TEST_F(RunCommandTest, ANonZeroExitFailsTheStepWithItsLastErrorLine) {
  commands_.reply = CommandResult{3,     0,     false,
                                  false, "",    "checking\nprimary still answers\n",
                                  false, false, std::chrono::seconds(1)};
  StepResult result = Run(CommandSpec({"check-primary-down"}), &commands_);
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("exited with 3: primary still answers"));
  EXPECT_EQ(result.after["stderr"], "checking\nprimary still answers\n");
}

TEST_F(RunCommandTest, KilledAtTheDeadlineIsTimedOut) {
  commands_.reply =
      CommandResult{-1, 15, true, false, "", "", false, false, std::chrono::minutes(5)};
  StepResult result = Run(CommandSpec({"slow"}), &commands_);
  EXPECT_EQ(result.state, StepState::kTimedOut);
  EXPECT_THAT(result.summary, HasSubstr("killed at the step's deadline"));
}

TEST_F(RunCommandTest, AProgramThatCannotRunFailsTheStep) {
  commands_.reply = Status::NotFound("cannot run nope: No such file or directory");
  StepResult result = Run(CommandSpec({"nope"}), &commands_);
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("cannot run nope"));
  EXPECT_TRUE(result.calls.empty());
}

TEST_F(RunCommandTest, AnUnknownFactFailsBeforeRunning) {
  StepResult result = Run(CommandSpec({"x", "${scale-asg:web.endpoint}"}), &commands_);
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("${scale-asg:web.endpoint} is not a fact"));
  EXPECT_THAT(result.error.ToString(), HasSubstr("promote-db:dr-db.endpoint"));
  EXPECT_TRUE(commands_.requests.empty());
}

TEST_F(RunCommandTest, TheLambdaFunctionRefusesIt) {
  StepResult result = Run(CommandSpec({"x"}), nullptr);
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("runs only in the CLI"));
}

TEST_F(RunCommandTest, PlanShowsTheCommandAndRunsNothing) {
  RunCommandStep step(CommandSpec({"notify", "on call"}), &commands_, facts_);
  StepResult result = step.Preview(h_.ctx);
  EXPECT_EQ(result.state, StepState::kSucceeded);
  EXPECT_EQ(result.summary, "would run notify 'on call'");
  EXPECT_TRUE(commands_.requests.empty());
}

TEST_F(RunCommandTest, ACancelledRunStartsNothing) {
  h_.cancel.Cancel();
  StepResult result = Run(CommandSpec({"x"}), &commands_);
  EXPECT_EQ(result.state, StepState::kNotRun);
  EXPECT_TRUE(commands_.requests.empty());
}

TEST(QuotedCommandLineTest, QuotesWhatAShellWouldSplit) {
  EXPECT_EQ(QuotedCommandLine({"a", "b c", "it's", ""}), "a 'b c' 'it'\\''s' ''");
}

}  // namespace
}  // namespace drf
