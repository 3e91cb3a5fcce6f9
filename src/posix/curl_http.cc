#include "posix/curl_http.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <mutex>
#include <string_view>
#include <vector>

namespace drf {
namespace {

constexpr const char* kFallbackCaBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu
    "/etc/pki/tls/certs/ca-bundle.crt",    // Amazon Linux 2023 (Lambda provided.al2023)
};

bool PathExists(const char* path) {
  struct stat st {};
  return path != nullptr && ::stat(path, &st) == 0;
}

// libcurl's compiled-in CA file is a build-machine path: a binary built on Debian and run on
// Lambda looks for Debian's file, which AL2023 lacks. Use it when present, else a known one.
std::string ChooseCaBundle(const std::string& configured) {
  if (!configured.empty()) return configured;
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (info != nullptr && (PathExists(info->cainfo) || PathExists(info->capath))) return "";
  for (const char* path : kFallbackCaBundles) {
    if (PathExists(path)) return path;
  }
  return "";  // let libcurl try its default and report the failure
}

void GlobalInitOnce() {
  // curl_global_init is not thread-safe in older libcurl; we never call curl_global_cleanup
  // because other threads may still be using handles at exit.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// scheme://user:pass@host/path?query -> scheme://host/path: error messages must not carry
// secrets, and query strings may (presigned URLs).
std::string RedactUrl(std::string_view url) {
  url = url.substr(0, std::min(url.find('?'), url.find('#')));
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const size_t host_start = scheme_end + 3;
  const size_t path_start = std::min(url.find('/', host_start), url.size());
  const size_t at = url.rfind('@', path_start);
  if (at == std::string_view::npos || at < host_start) return std::string(url);
  return std::string(url.substr(0, host_start)) + std::string(url.substr(at + 1));
}

// Failures before a connection existed: the request never left. (A timeout is not among
// them: it may have expired after sending.)
bool FailedBeforeSending(CURLcode rc) {
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return true;
    default:
      return false;
  }
}

// libcurl's receive buffer (default 16 KiB) is allocated per transfer; a large failover has
// ~100 requests in flight at once, each body copied into its response as it arrives, so a
// bigger buffer only means fewer, larger reads. 4 KiB lowered the scale benchmark's peak
// memory by ~0.4 MiB (bench/README.md).
constexpr long kReceiveBufferBytes = 4096;

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// State of one transfer, shared with the callbacks.
struct Transfer {
  HttpResponse response;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (transfer->response.body.size() + n > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  transfer->response.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  // A status line starts a new header block (after "100 Continue"): keep only the last.
  if (line.starts_with("HTTP/")) {
    transfer->response.headers.clear();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  transfer->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return n;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

bool Append(Slist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) return false;
  list.release();
  list.reset(next);
  return true;
}

// The request's headers, plus empty `Expect:` (no 100-continue round trip) and, when a body
// is sent without a Content-Type, an empty `Content-Type:` so curl does not invent one.
Result<Slist> BuildHeaders(const HttpRequest& request, bool sends_body) {
  Slist list;
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
      return Status::InvalidArgument("HTTP header " + name + " contains a line break");
    }
    if (!Append(list, value.empty() ? name + ";" : name + ": " + value)) {
      return Status::Internal("out of memory building HTTP headers");
    }
  }
  bool ok = true;
  if (!FindHeader(request.headers, "Expect")) ok = Append(list, "Expect:");
  if (sends_body && !FindHeader(request.headers, "Content-Type")) {
    ok = ok && Append(list, "Content-Type:");
  }
  if (!ok) return Status::Internal("out of memory building HTTP headers");
  return list;
}

long ToMillis(std::chrono::milliseconds d) { return static_cast<long>(d.count()); }

bool SendsBody(const HttpRequest& request) {
  const std::string& method = request.method;
  if (method == "HEAD") return false;
  return !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

CurlHttpOptions CurlHttpOptionsFromEnvironment(const Environment& env) {
  CurlHttpOptions options;
  if (auto bundle = env.GetNonEmpty("AWS_CA_BUNDLE")) options.ca_bundle = *bundle;
  return options;
}

class CurlHttpClient::Impl {
 public:
  explicit Impl(CurlHttpOptions options) : options_(std::move(options)) {
    GlobalInitOnce();
    ca_bundle_ = ChooseCaBundle(options_.ca_bundle);
  }

  Result<HttpResponse> Send(const HttpRequest& request);
  const std::string& ca_bundle() const { return ca_bundle_; }

 private:
  struct HandleDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  };
  using Handle = std::unique_ptr<CURL, HandleDeleter>;

  Handle Acquire();
  void Release(Handle handle);
  void SetCommonOptions(CURL* curl, const HttpRequest& request, Transfer& transfer,
                        char* error_buffer) const;
  static void SetMethodAndBody(CURL* curl, const HttpRequest& request);

  const CurlHttpOptions options_;
  std::string ca_bundle_;
  std::mutex mu_;
  std::vector<Handle> idle_;  // guarded by mu_
};

CurlHttpClient::Impl::Handle CurlHttpClient::Impl::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      Handle handle = std::move(idle_.back());
      idle_.pop_back();
      // Clears options but keeps live connections, DNS and TLS session caches.
      curl_easy_reset(handle.get());
      return handle;
    }
  }
  return Handle(curl_easy_init());
}

void CurlHttpClient::Impl::Release(Handle handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < options_.max_idle_handles) idle_.push_back(std::move(handle));
}

void CurlHttpClient::Impl::SetCommonOptions(CURL* curl, const HttpRequest& request,
                                            Transfer& transfer, char* error_buffer) const {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS, long{CURLPROTO_HTTP | CURLPROTO_HTTPS});
#endif
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  // The path is sent as signed: S3 keys may hold "." and ".." segments, which curl would
  // otherwise squash (another object, and a signature mismatch).
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts in threads
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_bundle_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_bundle_.c_str());
  const auto connect =
      request.connect_timeout.count() > 0 ? request.connect_timeout : options_.connect_timeout;
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ToMillis(connect));
  // A request may shorten the default, never lengthen it; a negative total timeout means
  // none (0 is curl's "no limit").
  long total = ToMillis(options_.total_timeout);
  const long asked = ToMillis(request.total_timeout);
  if (asked > 0 && (total <= 0 || asked < total)) total = asked;
  if (request.total_timeout.count() < 0) total = 0;
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  // libcurl re-sends a request on a fresh connection when a reused one closes before any
  // reply byte; on a fresh connection it never does.
  if (!request.resend_safe) curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
}

void CurlHttpClient::Impl::SetMethodAndBody(CURL* curl, const HttpRequest& request) {
  const std::string& method = request.method;
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  if (SendsBody(request)) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  if (method != "GET" && method != "POST") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
}

Result<HttpResponse> CurlHttpClient::Impl::Send(const HttpRequest& request) {
  DRF_ASSIGN_OR_RETURN(Slist headers, BuildHeaders(request, SendsBody(request)));
  Handle handle = Acquire();
  if (!handle) return Status::Transport("curl_easy_init failed");
  CURL* curl = handle.get();
  Transfer transfer;
  transfer.max_bytes = options_.max_response_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};
  SetCommonOptions(curl, request, transfer, error_buffer);
  SetMethodAndBody(curl, request);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // The handle must not keep pointers into this frame once it is back in the pool.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  Release(std::move(handle));

  if (rc != CURLE_OK) {
    std::string what =
        transfer.too_large
            ? "response body larger than " + std::to_string(options_.max_response_bytes) + " bytes"
        : error_buffer[0] != '\0' ? std::string(error_buffer)
                                  : std::string(curl_easy_strerror(rc));
    std::string message = request.method + " " + RedactUrl(request.url) + ": " + what;
    if (FailedBeforeSending(rc)) return NotSentError(message);
    return Status::Transport(std::move(message));
  }
  transfer.response.status = static_cast<int>(status);
  return std::move(transfer.response);
}

CurlHttpClient::CurlHttpClient(CurlHttpOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

CurlHttpClient::~CurlHttpClient() = default;

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  return impl_->Send(request);
}

const std::string& CurlHttpClient::ca_bundle() const { return impl_->ca_bundle(); }

}  // namespace drf
