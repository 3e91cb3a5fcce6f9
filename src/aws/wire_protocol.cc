#include "aws/wire_protocol.h"

#include <memory>
#include <utility>

#include "aws/uri.h"

namespace drf {
namespace {

std::string RequestIdHeader(const HttpResponse& reply) {
  for (const char* name : {"x-amzn-RequestId", "x-amz-request-id"}) {
    if (auto value = reply.Header(name); value && !value->empty()) return *value;
  }
  return "";
}

bool IsBlank(const std::string& body) {
  return body.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Loads `body` into a new document; an empty body is an empty document when allowed.
Status LoadXml(const std::string& body, bool allow_empty, XmlResponse& out) {
  out.doc = std::make_shared<pugi::xml_document>();
  if (IsBlank(body)) {
    return allow_empty ? Status::Ok() : Status::Internal("empty response body, expected XML");
  }
  const pugi::xml_parse_result parsed = out.doc->load_buffer(body.data(), body.size());
  if (!parsed || !out.doc->document_element()) {
    return Status::Internal(std::string("malformed XML response: ") + parsed.description() +
                            " at offset " + std::to_string(parsed.offset));
  }
  return Status::Ok();
}

}  // namespace

RequestSpec QueryRequestSpec(const ServiceInfo& service, std::string_view action,
                             const QueryParams& params) {
  QueryParams all;
  all.reserve(params.size() + 2);
  all.emplace_back("Action", std::string(action));
  all.emplace_back("Version", std::string(service.api_version));
  all.insert(all.end(), params.begin(), params.end());
  RequestSpec spec;
  spec.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  spec.body = FormEncode(all);
  return spec;
}

Result<RequestSpec> JsonRequestSpec(const ServiceInfo& service, std::string_view operation,
                                    const nlohmann::json& body) {
  RequestSpec spec;
  spec.headers = {
      {"Content-Type", service.protocol == Protocol::kJson10 ? "application/x-amz-json-1.0"
                                                             : "application/x-amz-json-1.1"},
      {"X-Amz-Target", std::string(service.json_target_prefix) + "." + std::string(operation)}};
  try {
    spec.body = body.is_null() ? "{}" : body.dump();
  } catch (const nlohmann::json::exception& e) {  // a string that is not UTF-8
    return Status::InvalidArgument(std::string(service.id) + " " + std::string(operation) +
                                   ": request body is not valid JSON: " + e.what());
  }
  return spec;
}

RequestSpec RestXmlRequestSpec(std::string_view method, std::string path, std::string body) {
  return RequestSpec{std::string(method), "", std::move(path), {}, std::move(body)};
}

RequestSpec RawRequestSpec(RestRequest request) {
  return RequestSpec{std::move(request.method), std::move(request.bucket),
                     std::move(request.path_and_query), std::move(request.headers),
                     std::move(request.body)};
}

Status ReadQueryReply(Protocol protocol, std::string_view action, const HttpResponse& reply,
                      XmlResponse& out) {
  DRF_RETURN_IF_ERROR(LoadXml(reply.body, /*allow_empty=*/false, out));
  const pugi::xml_node root = out.doc->document_element();
  out.result = root;
  if (protocol == Protocol::kQuery) {
    // Operations without output (UpdateAutoScalingGroup) have no <OpResult>.
    const std::string result_name = std::string(action) + "Result";
    if (auto result = root.child(result_name.c_str())) out.result = result;
  }
  out.request_id = RequestIdHeader(reply);
  if (out.request_id.empty()) {
    out.request_id = root.child("ResponseMetadata").child_value("RequestId");
  }
  if (out.request_id.empty()) out.request_id = root.child_value("requestId");  // EC2
  return Status::Ok();
}

Status ReadJsonReply(const HttpResponse& reply, JsonResponse& out) {
  out.request_id = RequestIdHeader(reply);
  if (IsBlank(reply.body)) {
    out.body = nlohmann::json::object();
    return Status::Ok();
  }
  out.body = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (out.body.is_discarded()) return Status::Internal("malformed JSON response");
  return Status::Ok();
}

Status ReadRestXmlReply(const HttpResponse& reply, XmlResponse& out) {
  DRF_RETURN_IF_ERROR(LoadXml(reply.body, /*allow_empty=*/true, out));
  out.result = out.doc->document_element();
  out.request_id = RequestIdHeader(reply);
  return Status::Ok();
}

Status ReadRawReply(const HttpResponse& reply, RestResponse& out) {
  out.http = reply;
  out.request_id = RequestIdHeader(reply);
  return Status::Ok();
}

}  // namespace drf
