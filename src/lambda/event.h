// The Lambda event of drfailover: what one invocation asks for. Parsing is strict (an
// unknown key or a wrong type is an error naming the key and what is expected), because a
// typo in a failover request must not silently turn into a full failover. docs/lambda.md
// documents the schema.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace drf {

// The invocation error type of a rejected event.
inline constexpr std::string_view kInvalidEventErrorType = "Function.InvalidEvent";

enum class EventSource {
  kDirect,     // an Invoke payload (console test, CLI, automation)
  kScheduled,  // an EventBridge scheduled event (rule dr-dr-failover-test)
};

enum class EventOrdering { kParallel, kSequential };

struct FailoverEvent {
  EventSource source = EventSource::kDirect;
  bool dry_run = false;                          // "dry_run": plan mode, no changes
  std::vector<std::string> steps;                // "steps": only these step ids; empty: all
  std::optional<std::chrono::seconds> deadline;  // "deadline_seconds": whole-run limit
  std::optional<EventOrdering> ordering;         // "ordering": overrides the plan's
};

// Bounds of "deadline_seconds": at least 1 s, at most a day (Lambda itself stops at 15 min;
// anything longer than that is a typo worth rejecting only when absurd).
inline constexpr int64_t kMaxEventDeadlineSeconds = 86400;

// Parses an invocation body. Empty (or whitespace-only) and `null` mean `{}`: a full
// failover. An EventBridge scheduled event (source "aws.events", detail-type "Scheduled
// Event") means a full failover; its other keys are EventBridge's and are not checked.
// Errors (InvalidArgument): invalid JSON ("invalid JSON at byte N: ...", N counting from 1), a body
// that is not an object, an unknown key, a wrong type or value; the message names the key and says
// what is expected.
Result<FailoverEvent> ParseFailoverEvent(std::string_view body);

}  // namespace drf
