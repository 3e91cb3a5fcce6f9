#include "posix/posix_command.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "posix/system_clock.h"

namespace drf {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class PosixCommandTest : public ::testing::Test {
 protected:
  CommandRequest Request(std::vector<std::string> argv, Duration timeout = seconds(10)) {
    CommandRequest request;
    request.argv = std::move(argv);
    request.deadline = clock_.Monotonic() + timeout;
    return request;
  }

  SystemClock clock_;
  PosixCommandRunner runner_{clock_};
};

TEST_F(PosixCommandTest, CapturesBothStreamsAndTheExitCode) {
  auto result = runner_.Run(Request({"sh", "-c", "echo out; echo err >&2; exit 3"}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->term_signal, 0);
  EXPECT_EQ(result->out, "out\n");
  EXPECT_EQ(result->err, "err\n");
  EXPECT_FALSE(result->timed_out);
}

TEST_F(PosixCommandTest, ThePlansEnvironmentIsAddedToOurs) {
  CommandRequest request = Request({"sh", "-c", "echo \"$DRF_REGION:$PATH\""});
  request.env = {{"DRF_REGION", "us-west-2"}};
  auto result = runner_.Run(request);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out.substr(0, 10), "us-west-2:");
  EXPECT_GT(result->out.size(), 12u) << "PATH is inherited";
}

TEST_F(PosixCommandTest, AMissingProgramIsNotFound) {
  auto result = runner_.Run(Request({"drf-no-such-program-anywhere"}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("drf-no-such-program-anywhere"), std::string::npos);
}

TEST_F(PosixCommandTest, TheDeadlineKillsTheProgramAndWhatItStarted) {
  // The child's own child would keep the pipe open: it is killed with the group.
  auto result =
      runner_.Run(Request({"sh", "-c", "sleep 30 & echo started; wait"}, milliseconds(300)));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->timed_out);
  EXPECT_EQ(result->term_signal, SIGTERM);
  EXPECT_EQ(result->out, "started\n");
  EXPECT_LT(result->elapsed, seconds(5));
}

TEST_F(PosixCommandTest, ACancelKillsTheProgram) {
  CancelToken cancel;
  CommandRequest request = Request({"sleep", "30"});
  request.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(200));
    cancel.Cancel();
  });
  auto result = runner_.Run(request);
  canceller.join();
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->cancelled);
  EXPECT_FALSE(result->timed_out);
  EXPECT_NE(result->term_signal, 0);
}

TEST_F(PosixCommandTest, KeepsTheTailOfALongOutput) {
  CommandRequest request = Request({"sh", "-c", "seq 1 20000"});
  request.max_output = 100;
  auto result = runner_.Run(request);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out.size(), 100u);
  EXPECT_TRUE(result->out_cut);
  EXPECT_EQ(result->out.substr(result->out.size() - 6), "20000\n");
}

}  // namespace
}  // namespace drf
