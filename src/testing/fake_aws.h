// FakeAws: a FakeHttp handler that understands AWS requests well enough to route them:
// it finds the service (from the SigV4 credential scope) and the operation (the query
// form's Action, JSON 1.1's X-Amz-Target, or a REST call's method and path for the REST
// operations drfailover makes: Route 53's and Lambda's Invoke), answers from per-operation
// handlers, and records every call with its decoded parameters. Tests script AWS by operation
// instead of by request order, and assert what was sent and how often.
//
// Independent of the aws/ module (only core and HTTP), so every test binary can link it.
// Thread-safe: handlers run unlocked, one call at a time per request.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "aws/service.h"
#include "core/http.h"
#include "testing/fake_http.h"

namespace drf {

// One AWS call as the fake saw it.
struct AwsCall {
  std::string service;    // SigV4 signing name: "rds", "autoscaling", "ecs", ...
  std::string operation;  // "DescribeDBInstances"
  // Query/EC2: decoded form fields. REST: the decoded query string, and the path's
  // resource id as "Id" (a hosted zone, a change, a function name).
  std::map<std::string, std::string> params;
  nlohmann::json json;  // JSON 1.1: the request body; null otherwise
  std::string body;     // as sent

  // A form field, or "" when absent.
  std::string Param(const std::string& name) const;
};

class FakeAws {
 public:
  using Handler = std::function<HttpResponse(const AwsCall&)>;

  // Installs itself as `http`'s handler; `http` must outlive this object.
  explicit FakeAws(FakeHttp& http);

  // Answers `operation` of `service` with `handler` (replacing an earlier one).
  void On(const ServiceInfo& service, std::string operation, Handler handler);
  // Always the same reply.
  void Reply(const ServiceInfo& service, std::string operation, HttpResponse response);
  // These replies in order, then the last one again and again.
  void Replies(const ServiceInfo& service, std::string operation,
               std::vector<HttpResponse> responses);

  // Calls received for one operation, in order, and their count.
  std::vector<AwsCall> Calls(const ServiceInfo& service, std::string_view operation) const;
  int Count(const ServiceInfo& service, std::string_view operation) const;
  // "rds.PromoteReadReplica" for each call that had no handler (answered with an error).
  std::vector<std::string> Unscripted() const;

  // Reply builders. Query: <ActionResponse><ActionResult>`result`</ActionResult>
  // <ResponseMetadata><RequestId>; QueryOkNoResult for operations without output.
  static HttpResponse QueryOk(std::string_view action, std::string_view result,
                              std::string_view request_id = "req-ok");
  static HttpResponse QueryOkNoResult(std::string_view action,
                                      std::string_view request_id = "req-ok");
  static HttpResponse QueryError(int status, std::string_view code, std::string_view message);
  static HttpResponse JsonOk(const nlohmann::json& body, std::string_view request_id = "req-ok");
  static HttpResponse JsonError(int status, std::string_view type, std::string_view message);
  // rest-xml (Route 53): `xml` is the whole document.
  static HttpResponse RestXmlOk(std::string xml, std::string_view request_id = "req-ok");
  static HttpResponse RestXmlError(int status, std::string_view code, std::string_view message);

 private:
  HttpResponse Handle(const HttpRequest& request);

  mutable std::mutex mu_;
  // "service.Operation" -> handler; shared so a handler's own state (a mutable lambda)
  // persists while it runs unlocked. Guarded by mu_.
  std::map<std::string, std::shared_ptr<Handler>> handlers_;
  std::vector<AwsCall> calls_;           // guarded by mu_
  std::vector<std::string> unscripted_;  // guarded by mu_
};

}  // namespace drf
