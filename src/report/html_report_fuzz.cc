// Fuzz target: any JSON (a saved report, edited, truncated or hostile) through
// RenderHtmlReport, as `drfailover report FILE --html OUT` reads it. Beyond not crashing, the
// page keeps the renderer's promises: it is well-formed XML (so every string was escaped), and
// no element or attribute of it runs or loads anything (a report's text may say "url(", as
// text). Seeds: fuzz/corpus/html_report.
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
  // Whatever the report's strings say, they are text: no element or attribute can load
  // anything, and the only style is the page's own.
  struct Walker : pugi::xml_tree_walker {
    bool for_each(pugi::xml_node& node) override {
      const std::string_view name = node.name();
      for (const char* loader : {"script", "link", "img", "iframe", "object", "embed"}) {
        if (name == loader) Violated("the page has no script and loads nothing");
      }
      for (pugi::xml_attribute attribute : node.attributes()) {
        const std::string_view key = attribute.name();
        if (key == "src" || key == "href" || key.substr(0, 2) == "on") {
          Violated("no attribute loads or runs anything");
        }
      }
      if (name == "style") {
        const std::string_view css = node.child_value();
        if (css.find("url(") != css.npos || css.find("@import") != css.npos) {
          Violated("the style fetches nothing");
        }
      }
      return true;
    }
  } walker;
  doc.traverse(walker);
  return 0;
}
