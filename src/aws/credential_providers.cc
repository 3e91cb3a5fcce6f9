#include "aws/credential_providers.h"

#include <arpa/inet.h>
#include <strings.h>

#include <array>
#include <cstring>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "aws/aws_error_parser.h"
#include "aws/endpoints.h"
#include "aws/service.h"
#include "aws/uri.h"

namespace drf {
namespace {

using std::chrono::seconds;

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ReadNumber(std::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  *out = value;
  return true;
}

// Parses the zone designator at `pos`: "Z", "+hh:mm" or "-hh:mm"; the offset east of UTC.
bool ReadZone(std::string_view s, size_t pos, seconds* offset) {
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    *offset = seconds(0);
    return true;
  }
  int hours = 0, minutes = 0;
  if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || s[pos + 3] != ':' ||
      !ReadNumber(s, pos + 1, 2, &hours) || !ReadNumber(s, pos + 4, 2, &minutes)) {
    return false;
  }
  *offset = seconds((hours * 60 + minutes) * 60 * (s[pos] == '-' ? -1 : 1));
  return true;
}

// The string member `key` of a JSON object; empty when absent or not a string.
std::string JsonString(const nlohmann::json& json, const char* key) {
  if (!json.is_object()) return "";
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A credentials JSON document (container and IMDS: AccessKeyId, SecretAccessKey, Token,
// Expiration). Messages name `what`, never the body (it holds the secret).
Result<Credentials> CredentialsFromJson(const std::string& body, std::string_view what,
                                        std::string source) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  auto text = [&json](const char* key) { return JsonString(json, key); };
  if (!json.is_object() || text("AccessKeyId").empty() || text("SecretAccessKey").empty()) {
    return Status::Internal(std::string(what) + ": response is not a credentials document");
  }
  Credentials creds{text("AccessKeyId"), text("SecretAccessKey"), text("Token"), std::nullopt,
                    std::move(source)};
  if (std::string expiration = text("Expiration"); !expiration.empty()) {
    Result<WallTime> when = ParseIso8601(expiration);
    if (!when.ok()) return when.status().WithContext(std::string(what) + ": Expiration");
    creds.expiration = *when;
  }
  return creds;
}

}  // namespace

Result<WallTime> ParseIso8601(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  bool ok = ReadNumber(s, 0, 4, &y) && s.size() > 19 && s[4] == '-' && ReadNumber(s, 5, 2, &mo) &&
            s[7] == '-' && ReadNumber(s, 8, 2, &d) && (s[10] == 'T' || s[10] == 't') &&
            ReadNumber(s, 11, 2, &h) && s[13] == ':' && ReadNumber(s, 14, 2, &mi) && s[16] == ':' &&
            ReadNumber(s, 17, 2, &sec);
  size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (ok && s[pos] == '.') {  // fractional seconds: keep up to nanoseconds
    long long scale = 100000000;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10) {
      fraction += std::chrono::nanoseconds((s[pos] - '0') * scale);
    }
  }
  seconds offset{0};
  std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                   std::chrono::day(unsigned(d))};
  // WallTime counts nanoseconds in 64 bits: it holds 1677-09-21 to 2262-04-11 only, and a
  // year beyond that would overflow (a corrupt reply must not be undefined behaviour).
  constexpr int kFirstYear = 1678, kLastYear = 2261;
  if (!ok || !ReadZone(s, pos, &offset) || !date.ok() || h > 23 || mi > 59 || sec > 60 ||
      y < kFirstYear || y > kLastYear) {
    return Status::InvalidArgument("not an ISO 8601 UTC time: '" + std::string(s) + "'");
  }
  auto time = std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) +
              seconds(sec) - offset;
  return WallTime(
      std::chrono::duration_cast<WallTime::duration>(time.time_since_epoch() + fraction));
}

// --- Environment -------------------------------------------------------------------------

Result<Credentials> EnvironmentCredentials::GetCredentials() {
  auto key = env_.GetNonEmpty("AWS_ACCESS_KEY_ID");
  auto secret = env_.GetNonEmpty("AWS_SECRET_ACCESS_KEY");
  if (!key && !secret) return Status::NotFound("environment: AWS_ACCESS_KEY_ID is not set");
  if (!key || !secret) {
    return Status::InvalidArgument(
        "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  }
  Credentials creds{*key, *secret, "", std::nullopt, "environment"};
  auto token = env_.GetNonEmpty("AWS_SESSION_TOKEN");
  if (!token) token = env_.GetNonEmpty("AWS_SECURITY_TOKEN");
  creds.session_token = token.value_or("");
  if (auto expiration = env_.GetNonEmpty("AWS_CREDENTIAL_EXPIRATION")) {
    Result<WallTime> when = ParseIso8601(*expiration);
    if (!when.ok()) return when.status().WithContext("AWS_CREDENTIAL_EXPIRATION");
    creds.expiration = *when;
  }
  return creds;
}

// --- Web identity ------------------------------------------------------------------------

WebIdentityCredentials::WebIdentityCredentials(const Environment& env, const SharedConfig& config,
                                               const std::string& profile, std::string region,
                                               HttpClient& http, Clock& clock,
                                               std::shared_ptr<const EndpointResolver> endpoints)
    : env_(env),
      profile_(profile),
      profile_settings_(config.MergedProfile(profile)),
      region_(std::move(region)),
      http_(http),
      clock_(clock),
      endpoints_(std::move(endpoints)) {}

std::optional<std::string> WebIdentityCredentials::Setting(std::string_view env_var,
                                                           std::string_view key) const {
  if (auto value = env_.GetNonEmpty(env_var)) return value;
  auto value = profile_settings_.Get(key);
  if (value && value->empty()) return std::nullopt;
  return value;
}

Result<std::string> WebIdentityCredentials::ReadToken(const std::string& path) const {
  Result<std::string> token = env_.ReadFile(path);
  if (!token.ok()) {
    // Configured but unreadable is an error, not "try the next provider".
    return Status::InvalidArgument("web identity token file: " + token.status().message());
  }
  std::string trimmed(TrimRight(*token));
  if (trimmed.empty()) return Status::InvalidArgument("web identity token file is empty: " + path);
  return trimmed;
}

namespace {

constexpr std::string_view kAssumeRoleWithWebIdentity = "AssumeRoleWithWebIdentity";

Status StsError(const Status& status, const std::string& role_arn) {
  // The code and the operation are in the status's UserMessage().
  return status.WithContext("web identity: assuming role " + role_arn);
}

Result<Credentials> ParseAssumeRoleResponse(const std::string& body, std::string source) {
  pugi::xml_document doc;
  pugi::xml_node creds = doc.load_buffer(body.data(), body.size())
                             ? doc.child("AssumeRoleWithWebIdentityResponse")
                                   .child("AssumeRoleWithWebIdentityResult")
                                   .child("Credentials")
                             : pugi::xml_node();
  std::string key = creds.child("AccessKeyId").text().get();
  std::string secret = creds.child("SecretAccessKey").text().get();
  std::string expiration = creds.child("Expiration").text().get();
  if (key.empty() || secret.empty() || expiration.empty()) {
    return Status::Internal(
        "web identity: STS AssumeRoleWithWebIdentity response has no "
        "Credentials");
  }
  Result<WallTime> when = ParseIso8601(expiration);
  if (!when.ok()) return when.status().WithContext("web identity: Expiration");
  return Credentials{std::move(key), std::move(secret), creds.child("SessionToken").text().get(),
                     *when, std::move(source)};
}

}  // namespace

Result<Credentials> WebIdentityCredentials::GetCredentials() {
  auto token_file = Setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
  if (!token_file) return Status::NotFound("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set");
  auto role_arn = Setting("AWS_ROLE_ARN", "role_arn");
  if (!role_arn) {
    return Status::InvalidArgument(
        "web identity: a token file is configured but no role "
        "(set AWS_ROLE_ARN or role_arn in profile " +
        profile_ + ")");
  }
  auto session = Setting("AWS_ROLE_SESSION_NAME", "role_session_name");
  std::string session_name = session.value_or(
      "drfailover-" +
      std::to_string(std::chrono::duration_cast<seconds>(clock_.Now().time_since_epoch()).count()));
  DRF_ASSIGN_OR_RETURN(std::string token, ReadToken(*token_file));
  DRF_ASSIGN_OR_RETURN(Endpoint endpoint, endpoints_->Resolve(services::kSts, region_));

  HttpRequest request;
  request.method = "POST";
  request.url = endpoint.url + "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = FormEncode({{"Action", std::string(kAssumeRoleWithWebIdentity)},
                             {"Version", std::string(services::kSts.api_version)},
                             {"RoleArn", *role_arn},
                             {"RoleSessionName", session_name},
                             {"WebIdentityToken", token}});
  Result<HttpResponse> response = http_.Send(request);
  if (!response.ok()) {
    AwsErrorInfo info =
        AwsErrorFromTransport(services::kSts, kAssumeRoleWithWebIdentity, response.status());
    return StsError(Status::FromAws(StatusCode::kTransport, std::move(info)), *role_arn);
  }
  if (response->status < 200 || response->status > 299) {
    AwsErrorInfo info = AwsErrorFromResponse(services::kSts, kAssumeRoleWithWebIdentity, *response);
    StatusCode code = StatusCodeForAwsError(info);
    return StsError(Status::FromAws(code, std::move(info)), *role_arn);
  }
  return ParseAssumeRoleResponse(response->body, "web identity " + *role_arn);
}

// --- Profile -----------------------------------------------------------------------------

ProfileCredentials::ProfileCredentials(const SharedConfig& config, std::string profile)
    : profile_(std::move(profile)),
      credentials_path_(config.credentials_path()),
      config_path_(config.config_path()) {
  if (const ConfigSection* section = config.CredentialsProfile(profile_)) {
    credentials_file_ = *section;
  }
  if (const ConfigSection* section = config.ConfigProfile(profile_)) config_file_ = *section;
}

namespace {

// Static keys from one file's section: nullopt when it has neither key.
Result<std::optional<Credentials>> StaticKeys(const ConfigSection& section,
                                              const std::string& profile, std::string_view file) {
  auto key = section.Get("aws_access_key_id");
  auto secret = section.Get("aws_secret_access_key");
  if (!key && !secret) return std::optional<Credentials>();
  if (!key || !secret || key->empty() || secret->empty()) {
    return Status::InvalidArgument("profile " + profile + " in the " + std::string(file) +
                                   " needs both aws_access_key_id and aws_secret_access_key");
  }
  auto token = section.Get("aws_session_token");
  if (!token) token = section.Get("aws_security_token");
  return std::optional<Credentials>(
      Credentials{*key, *secret, token.value_or(""), std::nullopt,
                  "profile " + profile + " (" + std::string(file) + ")"});
}

// Profile keys for credential mechanisms drfailover does not implement.
constexpr std::array<std::string_view, 5> kUnsupportedKeys = {
    "source_profile", "credential_source", "credential_process", "sso_session", "sso_start_url"};

}  // namespace

Result<Credentials> ProfileCredentials::GetCredentials() {
  std::string files = credentials_path_ + " or " + config_path_;
  if (!credentials_file_ && !config_file_) {
    if (profile_ == "default") return Status::NotFound("profile default: not in " + files);
    return Status::InvalidArgument("profile " + profile_ + " not found in " + files);
  }
  const std::pair<const std::optional<ConfigSection>*, std::string_view> sources[] = {
      {&credentials_file_, "credentials file"}, {&config_file_, "config file"}};
  for (const auto& [section, file] : sources) {
    if (!*section) continue;
    DRF_ASSIGN_OR_RETURN(std::optional<Credentials> creds, StaticKeys(**section, profile_, file));
    if (creds) return std::move(*creds);
  }
  for (const auto& [section, file] : sources) {
    for (std::string_view key : kUnsupportedKeys) {
      if (*section && (*section)->Get(key)) {
        return Status::InvalidArgument("profile " + profile_ + " uses " + std::string(key) +
                                       ", which drfailover does not support; use static keys, "
                                       "web identity, or environment credentials");
      }
    }
  }
  return Status::NotFound("profile " + profile_ + ": no aws_access_key_id");
}

// --- Container ---------------------------------------------------------------------------

namespace {

constexpr std::string_view kEcsHost = "http://169.254.170.2";

// The host part of an http(s) URL, without brackets or port; empty if malformed.
std::string UrlHost(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return "";
  std::string_view rest = url.substr(start + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != std::string_view::npos) return "";
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    return close == std::string_view::npos ? "" : std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

// botocore's rule: plain http only to these hosts, compared as IP literals (never resolved).
bool IsAllowedHttpHost(const std::string& host) {
  if (strcasecmp(host.c_str(), "localhost") == 0) return true;
  if (host == "169.254.170.2" || host == "169.254.170.23") return true;
  unsigned char addr[16] = {};
  if (inet_pton(AF_INET, host.c_str(), addr) == 1) return addr[0] == 127;
  if (inet_pton(AF_INET6, host.c_str(), addr) != 1) return false;
  unsigned char ec2[16] = {};
  inet_pton(AF_INET6, "fd00:ec2::23", ec2);
  return std::memcmp(addr, &in6addr_loopback, 16) == 0 || std::memcmp(addr, ec2, 16) == 0;
}

}  // namespace

Result<std::string> ContainerCredentials::Url() const {
  if (auto relative = env_.GetNonEmpty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    if (relative->front() != '/') {
      return Status::InvalidArgument("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with /");
    }
    return std::string(kEcsHost) + *relative;
  }
  auto full = env_.GetNonEmpty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!full) return Status::NotFound("container: AWS_CONTAINER_CREDENTIALS_*_URI is not set");
  std::string host = UrlHost(*full);
  bool https = full->rfind("https://", 0) == 0;
  bool http = full->rfind("http://", 0) == 0;
  if (host.empty() || (!https && !http)) {
    return Status::InvalidArgument("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL");
  }
  if (http && !IsAllowedHttpHost(host)) {
    return Status::InvalidArgument(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is only allowed to a loopback address, "
        "localhost, 169.254.170.2, 169.254.170.23 or fd00:ec2::23, not " +
        host + "; use https");
  }
  return *full;
}

Result<std::optional<std::string>> ContainerCredentials::AuthorizationToken() const {
  std::optional<std::string> token;
  if (auto path = env_.GetNonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    Result<std::string> content = env_.ReadFile(*path);
    if (!content.ok()) {
      return Status::InvalidArgument("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: " +
                                     content.status().message());
    }
    token = *content;
  } else {
    token = env_.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  // A header value with CR/LF would let the token inject headers.
  if (token && token->find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument("container authorization token contains CR or LF");
  }
  return token;
}

Result<HttpResponse> ContainerCredentials::Fetch(const HttpRequest& request) {
  constexpr int kTries = 3;
  Status last;
  for (int attempt = 1; attempt <= kTries; ++attempt) {
    if (attempt > 1) clock_.SleepFor(seconds(1));
    Result<HttpResponse> response = http_.Send(request);
    if (response.ok() && response->status < 500 && response->status != 429) return response;
    last = response.ok() ? Status::Retryable("HTTP " + std::to_string(response->status))
                         : response.status();
  }
  return last.WithContext("container credentials: " + std::to_string(kTries) + " tries");
}

Result<Credentials> ContainerCredentials::GetCredentials() {
  DRF_ASSIGN_OR_RETURN(std::string url, Url());
  DRF_ASSIGN_OR_RETURN(std::optional<std::string> token, AuthorizationToken());
  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  if (token) request.headers.emplace_back("Authorization", *token);
  request.connect_timeout = request.total_timeout = std::chrono::seconds(2);
  DRF_ASSIGN_OR_RETURN(HttpResponse response, Fetch(request));
  if (response.status != 200) {
    return Status::Rejected("container credentials endpoint answered HTTP " +
                            std::to_string(response.status));
  }
  return CredentialsFromJson(response.body, "container credentials", "container");
}

// --- IMDS --------------------------------------------------------------------------------

namespace {

constexpr std::string_view kImdsCredentialsPath = "/latest/meta-data/iam/security-credentials/";
constexpr auto kImdsTimeout = std::chrono::milliseconds(1000);

HttpRequest ImdsRequest(std::string method, std::string url) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.connect_timeout = request.total_timeout = kImdsTimeout;
  return request;
}

}  // namespace

Result<std::string> ImdsCredentials::BaseUrl() const {
  if (auto endpoint = env_.GetNonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    return NormalizeEndpointUrl(*endpoint, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  }
  auto mode = env_.GetNonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or("IPv4");
  if (strcasecmp(mode.c_str(), "IPv4") == 0) return std::string("http://169.254.169.254");
  if (strcasecmp(mode.c_str(), "IPv6") == 0) return std::string("http://[fd00:ec2::254]");
  return Status::InvalidArgument(
      "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6, "
      "not '" +
      mode + "'");
}

Result<std::optional<std::string>> ImdsCredentials::FetchToken(const std::string& base) {
  HttpRequest request = ImdsRequest("PUT", base + "/latest/api/token");
  request.headers = {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}};
  Result<HttpResponse> response = http_.Send(request);
  if (response.ok() && response->status == 200 && !response->body.empty()) {
    return std::optional<std::string>(std::string(TrimRight(response->body)));
  }
  // Refused (an old or proxied IMDS) or no answer in time: IMDSv1 may still work.
  bool v1_candidate = !response.ok() || response->status == 403 || response->status == 404 ||
                      response->status == 405;
  std::string what =
      response.ok() ? "HTTP " + std::to_string(response->status) : response.status().message();
  if (!v1_candidate) return Status::NotFound("instance metadata: token request failed: " + what);
  if (env_.GetBool("AWS_EC2_METADATA_V1_DISABLED")) {
    return Status::NotFound("instance metadata: token request failed (" + what +
                            ") and AWS_EC2_METADATA_V1_DISABLED forbids IMDSv1");
  }
  return std::optional<std::string>();
}

Result<std::string> ImdsCredentials::Get(const std::string& url,
                                         const std::optional<std::string>& token) {
  HttpRequest request = ImdsRequest("GET", url);
  if (token) request.headers = {{"x-aws-ec2-metadata-token", *token}};
  Result<HttpResponse> response = http_.Send(request);
  if (!response.ok()) return Status::NotFound("instance metadata: " + response.status().message());
  if (response->status == 404) {
    return Status::NotFound("instance metadata: no IAM role credentials (HTTP 404 for " + url +
                            ")");
  }
  if (response->status != 200) {
    return Status::NotFound("instance metadata answered HTTP " + std::to_string(response->status) +
                            " for " + url);
  }
  return std::move(response->body);
}

Result<Credentials> ImdsCredentials::GetCredentials() {
  if (env_.GetBool("AWS_EC2_METADATA_DISABLED")) {
    return Status::NotFound("instance metadata: disabled by AWS_EC2_METADATA_DISABLED");
  }
  DRF_ASSIGN_OR_RETURN(std::string base, BaseUrl());
  DRF_ASSIGN_OR_RETURN(std::optional<std::string> token, FetchToken(base));
  std::string list_url = base + std::string(kImdsCredentialsPath);
  DRF_ASSIGN_OR_RETURN(std::string roles, Get(list_url, token));
  std::string role(TrimRight(std::string_view(roles).substr(0, roles.find('\n'))));
  if (role.empty()) return Status::NotFound("instance metadata: no IAM role attached");
  DRF_ASSIGN_OR_RETURN(std::string body, Get(list_url + UriEncode(role), token));

  std::string code = JsonString(nlohmann::json::parse(body, nullptr, false), "Code");
  if (!code.empty() && code != "Success") {
    return Status::NotFound("instance metadata: credentials for role " + role + " not ready (" +
                            code + ")");
  }
  std::string source = token ? "instance metadata (IMDSv2)" : "instance metadata (IMDSv1)";
  DRF_ASSIGN_OR_RETURN(Credentials creds,
                       CredentialsFromJson(body, "instance metadata", std::move(source)));
  // Static stability: while EC2's credential service is impaired IMDS keeps serving
  // credentials close to (or past) expiry; use them for a while instead of failing.
  WallTime now = clock_.Now();
  if (creds.expiration && *creds.expiration - now < std::chrono::minutes(15)) {
    creds.expiration = now + std::chrono::minutes(20);
  }
  return creds;
}

}  // namespace drf
