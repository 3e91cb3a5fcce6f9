#include "app/report_upload.h"

#include <cctype>

#include "report/html_report.h"
#include "report/report.h"

namespace drf {
namespace {

// Letters, digits, '-', '_' and '.' kept; anything else becomes '-'.
std::string KeySafe(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool safe =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += safe ? c : '-';
  }
  return out;
}

}  // namespace

Result<std::optional<S3Location>> ReportS3Location(const Environment& env) {
  std::optional<std::string> uri = env.Get(kReportS3UriVar);
  if (!uri || uri->empty()) return std::optional<S3Location>();
  // ParseS3Uri needs a key: a bare bucket ("s3://b" or "s3://b/") gets an empty prefix.
  std::string probe = *uri;
  const bool bare = probe.rfind("s3://", 0) == 0 && probe.find('/', 5) == std::string::npos;
  if (bare) probe += "/";
  if (!probe.empty() && probe.back() == '/') probe += "x";
  Result<S3Location> where = ParseS3Uri(probe);
  if (!where.ok()) {
    return Status::InvalidArgument(std::string(kReportS3UriVar) + ": " + where.status().message() +
                                   " (expected s3://bucket/prefix/)");
  }
  if (probe.size() > uri->size()) where->key.pop_back();  // the "x" added above
  return std::optional<S3Location>(*where);
}

nlohmann::json UploadReports(AwsClient& aws, const S3Location& where, const nlohmann::json& report,
                             const std::string& holder) {
  std::string name = report.value("started_at", std::string("run")) + "-" +
                     report.value("action", std::string("failover")) +
                     (report.value("drill", false) ? "-drill" : "") + "-" + holder;
  name = KeySafe(name);
  S3Client s3(aws);
  const S3Location json_at{where.bucket, where.key + name + ".json"};
  const S3Location html_at{where.bucket, where.key + name + ".html"};
  Result<Ack> json =
      s3.PutObject(json_at.bucket, json_at.key, DumpReport(report), "application/json");
  if (!json.ok()) return {{"error", json.status().UserMessage()}};
  Result<Ack> html = s3.PutObject(html_at.bucket, html_at.key, RenderHtmlReport(report),
                                  "text/html; charset=utf-8");
  if (!html.ok()) return {{"json", S3Uri(json_at)}, {"error", html.status().UserMessage()}};
  return {{"json", S3Uri(json_at)}, {"html", S3Uri(html_at)}};
}

}  // namespace drf
