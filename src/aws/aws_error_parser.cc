#include "aws/aws_error_parser.h"

#include <strings.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "aws/denied_action.h"
#include "aws/retry.h"
#include "core/strings.h"

namespace drf {
namespace {

constexpr size_t kSnippetChars = 200;

// A short, single-line, tag-free excerpt of a body nobody could parse, so the report shows
// what the server said (an HTML "403 Forbidden" page, a proxy error...).
std::string Snippet(std::string_view body) {
  std::string out;
  bool in_tag = false;
  bool space = false;
  for (char c : body) {
    if (c == '<') in_tag = true;
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        space = true;
      }
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
    if (out.size() >= kSnippetChars) return out + "...";
  }
  return out;
}

std::string DescribeUnparsed(const HttpResponse& response, std::string_view why) {
  std::string message = "HTTP " + std::to_string(response.status);
  const std::string snippet = Snippet(response.body);
  if (TrimWhitespace(response.body).empty()) return message + " with an empty body";
  message += " (" + std::string(why) + ")";
  if (!snippet.empty()) message += ": " + snippet;
  return message;
}

// The <Error> element of the query, EC2 and S3 shapes, or an empty node.
pugi::xml_node FindErrorElement(pugi::xml_node root) {
  if (std::string_view(root.name()) == "Error") return root;
  if (auto error = root.child("Error")) return error;
  return root.child("Errors").child("Error");
}

std::string JoinMessages(pugi::xml_node root) {
  if (const char* message = root.child_value("Message"); *message != '\0') return message;
  std::string joined;
  for (auto m : root.child("Messages").children("Message")) {
    if (!joined.empty()) joined += "; ";
    joined += m.child_value();
  }
  return joined;
}

bool ParseXmlError(Protocol protocol, std::string_view body, ParsedAwsError& out) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return false;
  const pugi::xml_node root = doc.document_element();
  const std::string_view root_name = root.name();
  if (root_name == "ErrorResponse" || root_name == "Response" || root_name == "Error") {
    const pugi::xml_node error = FindErrorElement(root);
    if (!error) return false;
    out.code = TrimWhitespace(error.child_value("Code"));
    out.message = error.child_value("Message");
    for (const char* name : {"RequestId", "RequestID"}) {
      if (out.request_id.empty()) out.request_id = root.child_value(name);
      if (out.request_id.empty()) out.request_id = error.child_value(name);
    }
    return !out.code.empty() || !out.message.empty();
  }
  // Route 53 answers some errors with the error name as the root element; botocore leaves
  // the code empty there, we keep the name.
  const bool rest = protocol == Protocol::kRestXml || protocol == Protocol::kRestS3;
  if (!rest || root_name.empty() || strcasecmp(root.name(), "html") == 0) return false;
  out.code = root_name;
  out.message = JoinMessages(root);
  return true;
}

std::string StringField(const nlohmann::json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it != object.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

bool ParseJsonError(std::string_view body, ParsedAwsError& out) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return false;
  try {
    out.code = NormalizeErrorCode(StringField(json, {"__type", "code", "Code"}));
    out.message = StringField(json, {"message", "Message", "errorMessage"});
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return !out.code.empty() || !out.message.empty();
}

bool ParseBody(Protocol protocol, std::string_view body, ParsedAwsError& out) {
  const std::string_view trimmed = TrimWhitespace(body);
  if (trimmed.empty()) return false;
  if (trimmed.front() == '{') return ParseJsonError(trimmed, out);
  if (trimmed.front() == '<') return ParseXmlError(protocol, trimmed, out);
  return false;
}

}  // namespace

std::string NormalizeErrorCode(std::string_view raw) {
  raw = TrimWhitespace(raw);
  if (const size_t hash = raw.rfind('#'); hash != std::string_view::npos) {
    raw.remove_prefix(hash + 1);
  }
  if (const size_t colon = raw.find(':'); colon != std::string_view::npos) {
    raw = raw.substr(0, colon);
  }
  return std::string(raw);
}

ParsedAwsError ParseAwsError(Protocol protocol, const HttpResponse& response) {
  ParsedAwsError out;
  const bool parsed = ParseBody(protocol, response.body, out);
  if (!parsed) out = ParsedAwsError{};
  if (auto header = response.Header("X-Amzn-ErrorType"); header && out.code.empty()) {
    out.code = NormalizeErrorCode(*header);
  }
  for (const char* name : {"x-amzn-RequestId", "x-amz-request-id"}) {
    auto header = response.Header(name);
    if (header && !header->empty()) {
      out.request_id = *header;
      break;
    }
  }
  if (!parsed) {
    out.message = DescribeUnparsed(response, "unrecognised error body");
  } else if (out.message.empty()) {
    out.message = "HTTP " + std::to_string(response.status) + " " + out.code;
  }
  return out;
}

bool IsNotFoundCode(std::string_view code) {
  static constexpr std::array<std::string_view, 15> kCodes = {
      "DBInstanceNotFound",
      "DBClusterNotFoundFault",
      "GlobalClusterNotFoundFault",
      "TargetGroupNotFound",
      "LoadBalancerNotFound",
      "ServiceNotFoundException",
      "ClusterNotFoundException",
      "ResourceNotFoundException",
      "NotFound",
      "NoSuchHostedZone",
      "NoSuchChange",
      "NoSuchKey",
      "NoSuchBucket",
      "NoSuchEntity",                                 // IAM
      "InvalidLaunchTemplateName.NotFoundException",  // EC2's exception to its convention
  };
  if (std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end()) return true;
  // EC2's convention for every resource type: InvalidInstanceID.NotFound,
  // InvalidGroup.NotFound, ...
  constexpr std::string_view kEc2Suffix = ".NotFound";
  return code.size() > kEc2Suffix.size() && code.ends_with(kEc2Suffix);
}

AwsErrorInfo AwsErrorFromResponse(const ServiceInfo& service, std::string_view operation,
                                  const HttpResponse& response) {
  ParsedAwsError parsed = ParseAwsError(service.protocol, response);
  AwsErrorInfo info;
  info.service = service.id;
  info.operation = operation;
  info.http_status = response.status;
  info.code = std::move(parsed.code);
  info.message = std::move(parsed.message);
  info.request_id = std::move(parsed.request_id);
  NameDeniedAction(service, info);
  info.throttling = IsThrottlingCode(info.code);
  info.retryable = IsRetryableError(info.http_status, info.code, /*transport=*/false);
  return info;
}

AwsErrorInfo AwsErrorFromTransport(const ServiceInfo& service, std::string_view operation,
                                   const Status& transport_status) {
  AwsErrorInfo info;
  info.service = service.id;
  info.operation = operation;
  info.message = transport_status.message();
  info.transport = true;
  info.not_sent = IsNotSentError(transport_status);
  info.retryable = true;
  return info;
}

StatusCode StatusCodeForAwsError(const AwsErrorInfo& info) {
  if (info.transport) return StatusCode::kTransport;
  if (IsNotFoundCode(info.code)) return StatusCode::kNotFound;
  if (info.retryable) return StatusCode::kRetryable;
  return StatusCode::kRejected;
}

}  // namespace drf
