// The programs as the dynamic loader loads them: GnuTLS, which Debian's libcurl pulls in
// through librtmp and libldap but drfailover never uses, must not initialise itself at load
// time (src/gnutls_init_skip.cc; ~0.85 MiB resident per process, the Lambda's included).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "testing/cli_process.h"

namespace drf {
namespace {

using std::chrono::seconds;

// The loader's line binding GnuTLS's call to `_gnutls_global_init_skip` (LD_DEBUG=bindings:
// "binding file <caller> [0] to <definer> [0]: normal symbol `_gnutls_global_init_skip'
// [GNUTLS_3_4]"), or "" when GnuTLS made no such call (not loaded at all).
// `argv` must exit by itself: the load is over by then, whatever it says.
std::string InitSkipBinding(const std::vector<std::string>& argv) {
  ProcessResult r = RunProcess(argv, {{"LD_DEBUG", "bindings"}}, seconds(60));
  EXPECT_GE(r.exit_code, 0) << Describe(r);
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("`_gnutls_global_init_skip'") != std::string::npos) return line;
  }
  return "";
}

void ExpectGnuTlsLeftAsleep(const std::vector<std::string>& argv) {
  const std::string& program = argv.front();
  std::string binding = InitSkipBinding(argv);
  if (binding.empty()) GTEST_SKIP() << program << " does not load GnuTLS in this build";
  // GnuTLS's constructor calls the program's definition (which says "skip"), not its own.
  EXPECT_THAT(binding, ::testing::HasSubstr("to " + program + " [0]")) << binding;
}

TEST(ProgramLoadTest, TheCliKeepsGnuTlsFromInitialisingAtLoad) {
#ifndef DRF_CLI_PATH
  GTEST_SKIP() << "the drfailover binary is not part of this build";
#else
  ExpectGnuTlsLeftAsleep({DRF_CLI_PATH, "--help"});
#endif
}

TEST(ProgramLoadTest, TheLambdaBootstrapKeepsGnuTlsFromInitialisingAtLoad) {
#ifndef DRF_BOOTSTRAP_PATH
  GTEST_SKIP() << "the bootstrap binary is not part of this build";
#else
  // Outside Lambda (no AWS_LAMBDA_RUNTIME_API) bootstrap says so and exits 1.
  ExpectGnuTlsLeftAsleep({DRF_BOOTSTRAP_PATH});
#endif
}

}  // namespace
}  // namespace drf
