#include "report/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "testing/fake_clock.h"

namespace drf {
namespace {

StepResult Ended(StepState state, std::string summary) {
  StepResult result;
  result.state = state;
  result.summary = std::move(summary);
  return result;
}

using std::chrono::milliseconds;

// A FILE* backed by memory, so tests read exactly what a terminal or log would get.
class CapturedFile {
 public:
  CapturedFile() : file_(open_memstream(&data_, &size_)) {}
  ~CapturedFile() {
    std::fclose(file_);
    std::free(data_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

bool HasControlCharsBesidesNewline(const std::string& text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n') || byte == 0x7f) return true;
  }
  return false;
}

class ProgressTest : public ::testing::Test {
 protected:
  ProgressReporter MakeReporter(bool terminal, int total = 3) {
    ProgressOptions options;
    options.out = out_.file();
    options.terminal = terminal;
    options.total_steps = total;
    return ProgressReporter(options, clock_);
  }

  FakeClock clock_;
  CapturedFile out_;
};

TEST_F(ProgressTest, PlainModeWritesOneLinePerEvent) {
  ProgressReporter progress = MakeReporter(false);
  progress.StepStarted("promote-db:dr-app-db", "db dr-app-db");
  progress.StepWaiting("promote-db:dr-app-db", "modifying");
  clock_.Advance(milliseconds(3900));
  progress.StepFinished("promote-db:dr-app-db", Ended(StepState::kSucceeded, "promoted dr-app-db"));
  progress.StepFinished("register-targets:tg", Ended(StepState::kNotRun, "dependency failed"));

  EXPECT_EQ(out_.text(),
            "▶ started promote-db:dr-app-db (db dr-app-db)\n"
            "… waiting promote-db:dr-app-db: modifying\n"
            "✔ finished promote-db:dr-app-db: succeeded in 3.9 s — promoted dr-app-db\n"
            "○ finished register-targets:tg: not_run — dependency failed\n");
}

TEST_F(ProgressTest, PlainModeRepeatsWaitingOnlyWhenItChanges) {
  ProgressReporter progress = MakeReporter(false);
  progress.StepStarted("a", "db a");
  progress.StepWaiting("a", "modifying");
  progress.StepWaiting("a", "modifying");
  progress.StepWaiting("a", "backing-up");
  progress.StepWaiting("unknown", "modifying");  // never started: ignored
  EXPECT_EQ(out_.text(),
            "▶ started a (db a)\n"
            "… waiting a: modifying\n"
            "… waiting a: backing-up\n");
}

TEST_F(ProgressTest, PlainModeStripsControlCharacters) {
  ProgressReporter progress = MakeReporter(false);
  progress.StepStarted("a", "asg\rx");
  progress.StepFinished("a", Ended(StepState::kFailed, "AccessDenied:\nnot allowed\x1b[31m"));
  progress.Refresh();
  progress.Finish();
  std::string text = out_.text();
  EXPECT_FALSE(HasControlCharsBesidesNewline(text)) << text;
  EXPECT_EQ(text,
            "▶ started a (asg x)\n"
            "✘ finished a: failed in 0.0 s — AccessDenied: not allowed [31m\n");
}

TEST_F(ProgressTest, TerminalModeRedrawsOneStatusLine) {
  ProgressReporter progress = MakeReporter(true, 14);
  progress.StepStarted("promote-db:dr-app-db", "db dr-app-db");
  clock_.Advance(milliseconds(2100));
  progress.StepWaiting("promote-db:dr-app-db", "modifying");
  EXPECT_EQ(out_.text(),
            "\r[0/14 done, 1 running] running: promote-db:dr-app-db (db dr-app-db, 0.0 s)"
            "\r[0/14 done, 1 running] waiting: promote-db:dr-app-db (modifying, 2.1 s)"
            "   ");  // pads over the rest of the longer previous line
}

TEST_F(ProgressTest, TerminalModePrintsFinishedLineAboveStatusLine) {
  ProgressReporter progress = MakeReporter(true, 2);
  progress.StepStarted("a", "db long-name-a");
  progress.StepStarted("b", "asg b");
  std::string before = out_.text();
  // The line for "a" stays while "b" started later.
  EXPECT_EQ(before.substr(before.rfind('\r')),
            "\r[0/2 done, 2 running] running: a (db long-name-a, 0.0 s)");

  clock_.Advance(milliseconds(1500));
  progress.StepFinished("a", Ended(StepState::kUnchanged, "already primary"));
  std::string after = out_.text().substr(before.size());
  std::string old_line = "[0/2 done, 2 running] running: a (db long-name-a, 0.0 s)";
  std::string new_line = "[1/2 done, 1 running] running: b (asg b, 1.5 s)";
  // Erase the status line, print the finished step, then draw the status line anew (no
  // padding needed: the line below is fresh).
  EXPECT_EQ(after, "\r" + std::string(old_line.size(), ' ') + "\r" +
                       "✔ finished a: unchanged in 1.5 s — already primary\n" + "\r" + new_line);
}

TEST_F(ProgressTest, TerminalFinishErasesStatusLine) {
  ProgressReporter progress = MakeReporter(true, 0);
  progress.StepStarted("a", "db a");
  progress.Finish();
  std::string status = "[0 done, 1 running] running: a (db a, 0.0 s)";
  EXPECT_EQ(out_.text(), "\r" + status + "\r" + std::string(status.size(), ' ') + "\r");
  progress.Finish();  // nothing left to erase
  EXPECT_EQ(out_.text().size(), 2 * status.size() + 3);
}

TEST_F(ProgressTest, TerminalStatusLineIsCutToWidth) {
  ProgressOptions options;
  options.out = out_.file();
  options.terminal = true;
  options.width = 20;
  ProgressReporter progress(options, clock_);
  progress.StepStarted(std::string(100, 'x'), "db");
  EXPECT_EQ(out_.text(), "\r[0 done, 1 running] ");
}

TEST_F(ProgressTest, TerminalStatusLineIsNotCutInsideUtf8) {
  ProgressOptions options;
  options.out = out_.file();
  options.terminal = true;
  options.width = 32;  // would end inside the 3-byte "…" below
  ProgressReporter progress(options, clock_);
  progress.StepStarted("é…", "db");
  // "[0 done, 1 running] running: " is 29 bytes, "é" 2 and "…" 3: byte 32 is inside "…".
  EXPECT_EQ(out_.text(), "\r[0 done, 1 running] running: é");
}

TEST_F(ProgressTest, ConcurrentStepsProduceWholeLines) {
  ProgressReporter progress = MakeReporter(false, 0);
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&progress, t] {
      std::string id = "step-" + std::to_string(t);
      progress.StepStarted(id, "r");
      progress.StepWaiting(id, "w");
      progress.StepFinished(id, Ended(StepState::kSucceeded, "done"));
    });
  }
  for (auto& thread : threads) thread.join();
  std::string text = out_.text();
  for (int t = 0; t < kThreads; ++t) {
    std::string id = "step-" + std::to_string(t);
    EXPECT_THAT(text, ::testing::HasSubstr("▶ started " + id + " (r)\n"));
    EXPECT_THAT(text, ::testing::HasSubstr("… waiting " + id + ": w\n"));
    EXPECT_THAT(text, ::testing::HasSubstr("✔ finished " + id + ": succeeded in 0.0 s — done\n"));
  }
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3 * kThreads);
}

}  // namespace
}  // namespace drf
