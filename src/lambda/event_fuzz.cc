// Fuzz target: a Lambda invocation body through ParseFailoverEvent. Beyond not crashing,
// it holds the parser to its contract: rejections are InvalidArgument with a message, and
// an accepted deadline is within its documented bounds. Seeds: fuzz/corpus/event.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "lambda/event.h"

namespace {

[[noreturn]] void Violated(const char* promise) {
  std::fprintf(stderr, "promise broken: %s\n", promise);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  drf::Result<drf::FailoverEvent> event = drf::ParseFailoverEvent(body);
  if (!event.ok()) {
    if (event.status().code() != drf::StatusCode::kInvalidArgument) {
      Violated("a rejected event is InvalidArgument");
    }
    if (event.status().message().empty()) Violated("a rejected event says why");
    return 0;
  }
  if (event->deadline &&
      (event->deadline->count() < 1 || event->deadline->count() > drf::kMaxEventDeadlineSeconds)) {
    Violated("deadline_seconds is within [1, kMaxEventDeadlineSeconds]");
  }
  return 0;
}
