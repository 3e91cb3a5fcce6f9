// The Lambda event of drfailover: what one invocation asks for. Parsing is strict (an
// unknown key or a wrong type is an error naming the key and what is expected), because a
// typo in a failover request must not silently turn into a full failover. docs/lambda.md
// documents the schema.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
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

// "action": what the invocation does (docs/drill.md).
enum class EventAction {
  kFailover,  // "failover" (the default)
  kFailback,  // "failback": back to the recorded standby state
  kDrill,     // "drill": a failover labelled as a drill
};

struct FailoverEvent {
  EventSource source = EventSource::kDirect;
  bool dry_run = false;                          // "dry_run": plan mode, no changes
  std::vector<std::string> steps;                // "steps": only these step ids; empty: all
  std::optional<std::chrono::seconds> deadline;  // "deadline_seconds": whole-run limit
  std::optional<EventOrdering> ordering;         // "ordering": overrides the plan's
  bool force = false;  // "force": promote whatever the replica lag (the CLI's --force)
  // "check": a readiness check (the CLI's `check`) instead of a failover; read-only. Goes
  // only with "steps".
  bool check = false;
  EventAction action = EventAction::kFailover;
};

// Bounds of "deadline_seconds": at least 1 s, at most a day (Lambda itself stops at 15 min;
// anything longer than that is a typo worth rejecting only when absurd).
inline constexpr int64_t kMaxEventDeadlineSeconds = 86400;

// How deeply an event's JSON may nest. Ours is two levels deep; EventBridge's envelope a
// few more. Anything deeper is refused before it is built, so nothing recursive (printing
// it in a message or a log line) can run out of stack on a hostile event.
inline constexpr int kMaxEventNesting = 32;

// Parses `body` as JSON, refusing more than kMaxEventNesting levels. Errors
// (InvalidArgument): "invalid JSON at byte N: ..." (N counting from 1), "invalid JSON: ..."
// (e.g. a number no double holds), "event: nested more than 32 levels deep".
Result<nlohmann::json> ParseEventJson(std::string_view body);

// Parses an invocation body. Empty (or whitespace-only) and `null` mean `{}`: a full
// failover. An EventBridge scheduled event (source "aws.events", detail-type "Scheduled
// Event") means a full failover; its other keys are EventBridge's and are not checked.
// Errors (InvalidArgument): invalid JSON ("invalid JSON at byte N: ...", N counting from 1), a body
// that is not an object or nests too deeply, an unknown key, a wrong type or value; the message
// names the key and says what is expected.
Result<FailoverEvent> ParseFailoverEvent(std::string_view body);

}  // namespace drf
