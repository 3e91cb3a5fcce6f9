// Fuzz target: any JSON (a saved report, edited, truncated or hostile) through
// RenderHtmlReport, as `drfailover report FILE --html OUT` reads it. Beyond not crashing, the
// page keeps the renderer's promises: it is well-formed XML (so every string was escaped), it
// has no script, and it fetches nothing. Seeds: fuzz/corpus/html_report.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "report/html_report.h"

namespace {

[[noreturn]] void Violated(const char* promise) {
  std::fprintf(stderr, "promise broken: %s\n", promise);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json report = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded()) return 0;
  const std::string html = drf::RenderHtmlReport(report);
  // Past the doctype, the document must parse as XML.
  const size_t root = html.find("<html");
  if (root == std::string::npos) Violated("the page has an <html> element");
  pugi::xml_document doc;
  if (!doc.load_buffer(html.data() + root, html.size() - root)) {
    Violated("the page is well-formed XML");
  }
  if (html.find("<script") != std::string::npos) Violated("the page has no script");
  for (const char* external : {"src=\"http", "href=\"http", "url(", "@import"}) {
    if (html.find(external) != std::string::npos) Violated("the page fetches nothing");
  }
  return 0;
}
