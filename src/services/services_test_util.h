// Test support for the service clients (header-only, tests only): the AWS test harness
// (testing/aws_harness.h); canned AWS replies; readers for what the clients sent; and the
// botocore oracle (tools/oracle/botocore_serialize.py), which tells what botocore would
// have sent for the same input.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>
#include <utility>
#include <vector>

#include "aws/aws_client.h"
#include "aws/uri.h"
#include "testing/aws_harness.h"
#include "testing/fake_http.h"

namespace drf::services_testing {

// The AWS test harness, also reachable from here for the tests that name it
// services_testing::AwsHarness.
using ::drf::AwsHarness;

// --- Canned replies ------------------------------------------------------------------

// A query-protocol success: <ActionResponse><ActionResult>`result`</ActionResult>...; with
// `has_result` false, only the metadata (operations without output).
inline HttpResponse QueryReply(const std::string& action, const std::string& result,
                               const std::string& request_id = "req-1", bool has_result = true) {
  std::string body = "<" + action + "Response xmlns=\"https://example.com/doc/\">";
  if (has_result) body += "<" + action + "Result>" + result + "</" + action + "Result>";
  body += "<ResponseMetadata><RequestId>" + request_id + "</RequestId></ResponseMetadata></" +
          action + "Response>";
  return {200, {{"Content-Type", "text/xml"}}, body};
}

// A query-protocol error.
inline HttpResponse QueryError(int status, const std::string& code, const std::string& message) {
  return {status,
          {{"Content-Type", "text/xml"}},
          "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message +
              "</Message></Error><RequestId>err-1</RequestId></ErrorResponse>"};
}

inline HttpResponse Ec2Reply(const std::string& action, const std::string& inner) {
  return {200,
          {{"Content-Type", "text/xml"}},
          "<" + action + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">" +
              "<requestId>req-1</requestId>" + inner + "</" + action + "Response>"};
}

inline HttpResponse JsonReply(const nlohmann::json& body, const std::string& request_id = "req-1") {
  return {200,
          {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-RequestId", request_id}},
          body.dump()};
}

inline HttpResponse JsonError(int status, const std::string& type, const std::string& message) {
  nlohmann::json body = {{"__type", type}, {"message", message}};
  return {status, {{"Content-Type", "application/x-amz-json-1.1"}}, body.dump()};
}

inline HttpResponse XmlReply(const std::string& body, const std::string& request_id = "req-1") {
  return {200, {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", request_id}}, body};
}

// A file under testdata/, e.g. "aws/rds/failover_global_cluster_ok.xml"; fails the test if
// it cannot be read.
inline std::string ReadTestData(const std::string& relative_path) {
  std::string path = std::string(DRF_SOURCE_DIR) + "/testdata/" + relative_path;
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::string content;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) content.append(buffer, n);
  return content;
}

// --- What was sent ---------------------------------------------------------------------

// A form body as a map (keys are unique in the query protocol).
inline std::map<std::string, std::string> FormParams(const std::string& body) {
  std::map<std::string, std::string> params;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string pair = body.substr(start, end - start);
    size_t eq = pair.find('=');
    std::string key = UriDecode(pair.substr(0, eq), true);
    std::string value = eq == std::string::npos ? "" : UriDecode(pair.substr(eq + 1), true);
    params[key] = value;
    start = end + 1;
  }
  return params;
}

inline std::map<std::string, std::string> FormParams(const HttpRequest& request) {
  return FormParams(request.body);
}

// Path and query of `request`, without the test endpoint.
inline std::string PathOf(const HttpRequest& request) {
  std::string url = request.url;
  return url.rfind(kTestEndpoint, 0) == 0 ? url.substr(sizeof(kTestEndpoint) - 1) : url;
}

// An XML document as an indented outline (names, attributes, trimmed text, in document
// order), so two documents compare structurally and a difference prints readably.
inline std::string XmlOutline(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_string(xml.c_str())) return "<unparseable XML: " + xml + ">";
  std::string out;
  struct Walker : pugi::xml_tree_walker {
    std::string* out;
    bool for_each(pugi::xml_node& node) override {
      std::string indent(static_cast<size_t>(depth()) * 2, ' ');
      if (node.type() == pugi::node_element) {
        *out += indent + node.name();
        for (pugi::xml_attribute attr : node.attributes()) {
          *out += std::string(" @") + attr.name() + "=" + attr.value();
        }
        *out += "\n";
      } else if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
        *out += indent + "\"" + node.value() + "\"\n";
      }
      return true;
    }
  } walker;
  walker.out = &out;
  doc.traverse(walker);
  return out;
}

// --- The botocore oracle -----------------------------------------------------------------

// Runs `command` through the shell; returns its stdout and sets `exit_status` (pclose's).
inline std::string RunCommand(const std::string& command, int* exit_status) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *exit_status = -1;
    return output;
  }
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  *exit_status = pclose(pipe);
  return output;
}

// One input for botocore: {"service", "operation", "params"} (boto3 names and shapes).
inline nlohmann::json OracleCase(const std::string& service, const std::string& operation,
                                 nlohmann::json params) {
  return {{"service", service}, {"operation", operation}, {"params", std::move(params)}};
}

// Runs tools/oracle/botocore_serialize.py on `cases`; one serialized request per case.
// Fails the test (and returns an empty list) if the script cannot run.
inline std::vector<nlohmann::json> BotocoreSerialize(const std::vector<nlohmann::json>& cases) {
  std::string input_path = ::testing::TempDir() + "/botocore_cases_XXXXXX";
  int fd = mkstemp(input_path.data());
  if (fd < 0) {
    ADD_FAILURE() << "cannot create " << input_path;
    return {};
  }
  std::string text = nlohmann::json(cases).dump();
  bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!written) {
    ADD_FAILURE() << "cannot write " << input_path;
    return {};
  }
  std::string command = std::string("python3 ") + DRF_SOURCE_DIR +
                        "/tools/oracle/botocore_serialize.py < " + input_path;
  int rc = -1;
  std::string output = RunCommand(command, &rc);
  std::remove(input_path.c_str());
  nlohmann::json parsed = nlohmann::json::parse(output, nullptr, false);
  if (rc != 0 || !parsed.is_array() || parsed.size() != cases.size()) {
    ADD_FAILURE() << command << " failed (status " << rc << "): " << output;
    return {};
  }
  return parsed.get<std::vector<nlohmann::json>>();
}

// Checks that `ours` is the request botocore serialized as `theirs`: same method, path and
// query, content-type and x-amz-target; the body compared as form parameters, JSON value or
// XML structure, so only order that the protocol leaves free may differ.
inline void ExpectSameAsBotocore(const HttpRequest& ours, const nlohmann::json& theirs) {
  SCOPED_TRACE("botocore: " + theirs.dump());
  ASSERT_FALSE(theirs.contains("error")) << theirs["error"];
  EXPECT_EQ(ours.method, theirs["method"].get<std::string>());
  EXPECT_EQ(PathOf(ours), theirs["path"].get<std::string>());
  for (const auto& [name, value] : theirs["headers"].items()) {
    EXPECT_EQ(FindHeader(ours.headers, name).value_or("<missing>"), value.get<std::string>())
        << name;
  }
  const std::string body = theirs["body"].get<std::string>();
  const std::string type = theirs["headers"].value("content-type", "");
  if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    EXPECT_EQ(FormParams(ours.body), FormParams(body));
  } else if (type.rfind("application/x-amz-json", 0) == 0) {
    EXPECT_EQ(nlohmann::json::parse(ours.body, nullptr, false), nlohmann::json::parse(body));
  } else if (body.empty()) {
    EXPECT_EQ(ours.body, "");
  } else {
    EXPECT_EQ(XmlOutline(ours.body), XmlOutline(body));
  }
}

// Runs the oracle on `cases` and compares each with the matching request in `ours`.
inline void ExpectAllSameAsBotocore(const std::vector<HttpRequest>& ours,
                                    const std::vector<nlohmann::json>& cases) {
  ASSERT_EQ(ours.size(), cases.size()) << "one captured request per oracle case";
  std::vector<nlohmann::json> theirs = BotocoreSerialize(cases);
  ASSERT_EQ(theirs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i) + ": " + cases[i].dump());
    ExpectSameAsBotocore(ours[i], theirs[i]);
  }
}

}  // namespace drf::services_testing
