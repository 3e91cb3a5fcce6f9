// The protocol-specific halves of an AWS call, which AwsClient's one call path takes as
// parameters: how each protocol (query/EC2, JSON 1.0/1.1, rest-xml, raw REST) lays out a
// request, and how it reads a 2xx reply. Error replies are the same path for every
// protocol (aws_error_parser.h). Pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "aws/service.h"
#include "core/http.h"
#include "core/result.h"

namespace drf {

// What a call sends, the same on every attempt; endpoint and signature are per attempt.
struct RequestSpec {
  std::string method = "POST";
  std::string bucket;      // S3: the path is under this bucket (S3BucketUrl)
  std::string path = "/";  // already URI-encoded
  HttpHeaders headers;
  std::string body;
};

// Query/EC2: a form body with "Action" and "Version" first.
RequestSpec QueryRequestSpec(const ServiceInfo& service, std::string_view action,
                             const QueryParams& params);
// JSON 1.0/1.1 (Content-Type by `service.protocol`): the body object and X-Amz-Target.
// InvalidArgument when `body` holds a string that is not UTF-8 (it cannot be serialized).
Result<RequestSpec> JsonRequestSpec(const ServiceInfo& service, std::string_view operation,
                                    const nlohmann::json& body);
// rest-xml: sent as given, with no Content-Type (botocore sends none).
RequestSpec RestXmlRequestSpec(std::string_view method, std::string path, std::string body);
// Any REST request, sent as given.
RequestSpec RawRequestSpec(RestRequest request);

// Reply readers: each fills `out` from a 2xx reply, request id included, and returns
// kInternal for a body it cannot read (AWS said yes but we cannot tell what it returned).
// Query/EC2 (`action`'s <ActionResult>, or the root when there is none).
Status ReadQueryReply(Protocol protocol, std::string_view action, const HttpResponse& reply,
                      XmlResponse& out);
Status ReadJsonReply(const HttpResponse& reply, JsonResponse& out);    // empty body: {}
Status ReadRestXmlReply(const HttpResponse& reply, XmlResponse& out);  // empty body allowed
Status ReadRawReply(const HttpResponse& reply, RestResponse& out);     // never fails

}  // namespace drf
