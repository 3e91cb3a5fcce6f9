#include "testing/fake_aws.h"

#include <cctype>
#include <memory>

namespace drf {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
std::string FormDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    size_t eq = pair.find('=');
    out[FormDecode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1));
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
  }
  return out;
}

// The service of the SigV4 scope "Credential=AKID/20150830/us-east-1/rds/aws4_request".
std::string SigningName(const HttpRequest& request) {
  std::string auth = FindHeader(request.headers, "Authorization").value_or("");
  size_t at = auth.find("Credential=");
  if (at == std::string::npos) return "";
  std::string scope = auth.substr(at + 11, auth.find_first_of(", ", at) - at - 11);
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t slash; (slash = scope.find('/', start)) != std::string::npos; start = slash + 1) {
    parts.push_back(scope.substr(start, slash - start));
  }
  return parts.size() >= 4 ? parts[3] : "";
}

std::string Key(std::string_view service, std::string_view operation) {
  return std::string(service) + "." + std::string(operation);
}

// The path and decoded query of a REST request's URL.
std::pair<std::string, std::map<std::string, std::string>> PathAndQuery(const std::string& url) {
  size_t scheme = url.find("://");
  size_t path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path_start == std::string::npos) return {"/", {}};
  std::string path = url.substr(path_start);
  size_t question = path.find('?');
  if (question == std::string::npos) return {path, {}};
  return {path.substr(0, question), ParseForm(path.substr(question + 1))};
}

// The REST operations drfailover makes, from method and path; the path's id into "Id".
std::string RestOperation(const std::string& method, const std::string& path,
                          std::map<std::string, std::string>& params) {
  auto id_after = [&](std::string_view prefix) {
    std::string rest = path.substr(prefix.size());
    params["Id"] = FormDecode(rest.substr(0, rest.find('/')));
  };
  if (path.starts_with("/2013-04-01/hostedzonesbyname")) return "ListHostedZonesByName";
  if (path.starts_with("/2013-04-01/change/")) {
    id_after("/2013-04-01/change/");
    return "GetChange";
  }
  if (path.starts_with("/2013-04-01/hostedzone/") && path.find("/rrset") != std::string::npos) {
    id_after("/2013-04-01/hostedzone/");
    return method == "POST" ? "ChangeResourceRecordSets" : "ListResourceRecordSets";
  }
  if (path.starts_with("/2015-03-31/functions/") && path.ends_with("/invocations")) {
    id_after("/2015-03-31/functions/");
    return "Invoke";
  }
  return method + " " + path;
}

}  // namespace

std::string AwsCall::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

FakeAws::FakeAws(FakeHttp& http) {
  http.SetHandler(
      [this](const HttpRequest& request) -> Result<HttpResponse> { return Handle(request); });
}

HttpResponse FakeAws::Handle(const HttpRequest& request) {
  AwsCall call;
  call.service = SigningName(request);
  call.body = request.body;
  std::string target = FindHeader(request.headers, "X-Amz-Target").value_or("");
  auto [path, query] = PathAndQuery(request.url);
  const bool rest = path != "/" || request.method != "POST";
  if (!target.empty()) {
    call.operation = target.substr(target.rfind('.') + 1);
    call.json = nlohmann::json::parse(request.body, nullptr, false);
  } else if (rest) {
    call.params = std::move(query);
    call.operation = RestOperation(request.method, path, call.params);
  } else {
    call.params = ParseForm(request.body);
    call.operation = call.Param("Action");
  }
  std::shared_ptr<Handler> handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(call);
    auto it = handlers_.find(Key(call.service, call.operation));
    if (it != handlers_.end()) handler = it->second;
    if (!handler) unscripted_.push_back(Key(call.service, call.operation));
  }
  if (handler) return (*handler)(call);
  std::string message = "FakeAws: nothing scripted for " + Key(call.service, call.operation);
  return target.empty() ? QueryError(400, "FakeAwsUnscripted", message)
                        : JsonError(400, "FakeAwsUnscripted", message);
}

void FakeAws::On(const ServiceInfo& service, std::string operation, Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  handlers_[Key(service.signing_name, operation)] = std::make_shared<Handler>(std::move(handler));
}

void FakeAws::Reply(const ServiceInfo& service, std::string operation, HttpResponse response) {
  On(service, std::move(operation), [response](const AwsCall&) { return response; });
}

void FakeAws::Replies(const ServiceInfo& service, std::string operation,
                      std::vector<HttpResponse> responses) {
  auto queue = std::make_shared<std::vector<HttpResponse>>(std::move(responses));
  auto next = std::make_shared<size_t>(0);
  On(service, std::move(operation), [queue, next](const AwsCall&) {
    size_t i = std::min(*next, queue->size() - 1);
    ++*next;
    return (*queue)[i];
  });
}

std::vector<AwsCall> FakeAws::Calls(const ServiceInfo& service, std::string_view operation) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AwsCall> out;
  for (const AwsCall& call : calls_) {
    if (call.service == service.signing_name && call.operation == operation) out.push_back(call);
  }
  return out;
}

int FakeAws::Count(const ServiceInfo& service, std::string_view operation) const {
  return static_cast<int>(Calls(service, operation).size());
}

std::vector<std::string> FakeAws::Unscripted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unscripted_;
}

HttpResponse FakeAws::QueryOk(std::string_view action, std::string_view result,
                              std::string_view request_id) {
  std::string a(action);
  HttpResponse response = QueryOkNoResult(action, request_id);
  std::string open = "<" + a + "Response xmlns=\"https://example.com/doc/\">";
  response.body.insert(open.size(),
                       "<" + a + "Result>" + std::string(result) + "</" + a + "Result>");
  return response;
}

HttpResponse FakeAws::QueryOkNoResult(std::string_view action, std::string_view request_id) {
  std::string a(action);
  std::string rid(request_id);
  return {200,
          {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", rid}},
          "<" + a + "Response xmlns=\"https://example.com/doc/\"><ResponseMetadata><RequestId>" +
              rid + "</RequestId></ResponseMetadata></" + a + "Response>"};
}

HttpResponse FakeAws::QueryError(int status, std::string_view code, std::string_view message) {
  return {status,
          {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", "req-error"}},
          "<ErrorResponse><Error><Type>Sender</Type><Code>" + std::string(code) +
              "</Code><Message>" + std::string(message) +
              "</Message></Error><RequestId>req-error</RequestId></ErrorResponse>"};
}

HttpResponse FakeAws::RestXmlOk(std::string xml, std::string_view request_id) {
  return {200,
          {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", std::string(request_id)}},
          std::move(xml)};
}

HttpResponse FakeAws::RestXmlError(int status, std::string_view code, std::string_view message) {
  return {status,
          {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", "req-error"}},
          "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>"
          "Sender</Type><Code>" +
              std::string(code) + "</Code><Message>" + std::string(message) +
              "</Message></Error><RequestId>req-error</RequestId></ErrorResponse>"};
}

HttpResponse FakeAws::JsonOk(const nlohmann::json& body, std::string_view request_id) {
  return {200,
          {{"Content-Type", "application/x-amz-json-1.1"},
           {"x-amzn-RequestId", std::string(request_id)}},
          body.dump()};
}

HttpResponse FakeAws::JsonError(int status, std::string_view type, std::string_view message) {
  nlohmann::json body = {{"__type", type}, {"message", message}};
  return {status,
          {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-RequestId", "req-error"}},
          body.dump()};
}

}  // namespace drf
