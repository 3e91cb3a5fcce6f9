#include "posix/process_environment.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace drf {
namespace {

TEST(ProcessEnvironmentTest, ReadsAFile) {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("drf-read-" + std::to_string(::getpid()));
  { std::ofstream(path) << "version: 1\n"; }
  Result<std::string> text = ProcessEnvironment().ReadFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "version: 1\n");
}

TEST(ProcessEnvironmentTest, MissingFileIsNotFound) {
  Result<std::string> text = ProcessEnvironment().ReadFile("/nonexistent/drf/plan.yaml");
  EXPECT_EQ(text.status().code(), StatusCode::kNotFound);
  EXPECT_NE(text.status().message().find("/nonexistent/drf/plan.yaml"), std::string::npos);
}

// A directory opens and reads as empty: it must not pass for an empty plan file.
TEST(ProcessEnvironmentTest, DirectoryIsAnErrorNamingIt) {
  std::string dir = std::filesystem::temp_directory_path().string();
  Result<std::string> text = ProcessEnvironment().ReadFile(dir);
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(text.status().message().find(dir + ": is a directory"), std::string::npos)
      << text.status().message();
}

}  // namespace
}  // namespace drf
