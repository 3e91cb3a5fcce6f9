#include "lambda/event.h"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <set>

namespace drf {
namespace {

using nlohmann::json;

constexpr std::string_view kKnownKeys =
    "action, check, dry_run, steps, deadline_seconds, ordering, force";

// A short rendering of a value for messages: long values are cut.
std::string Show(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return std::string(value.type_name()) + " " + text;
}

Status Invalid(std::string_view key, std::string_view expected, const json& got) {
  return Status::InvalidArgument(std::string(key) + ": expected " + std::string(expected) +
                                 ", got " + Show(got));
}

bool IsWhitespace(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Thrown by the parse callback to stop at the first level too deep.
struct TooDeep : std::exception {};

// EventBridge's own envelope: only its scheduled events are accepted. Their other keys
// (version, id, account, time, region, resources, detail, replay-name, ...) are
// EventBridge's to evolve, so they are not checked.
Result<FailoverEvent> ParseEventBridge(const json& event) {
  const json& source = event.at("source");
  if (source != "aws.events") return Invalid("source", "\"aws.events\" (EventBridge)", source);
  const json& type = event.at("detail-type");
  if (type != "Scheduled Event") {
    return Invalid("detail-type",
                   "\"Scheduled Event\" (only EventBridge scheduled events start a failover)",
                   type);
  }
  FailoverEvent parsed;
  parsed.source = EventSource::kScheduled;
  return parsed;
}

Status ParseSteps(const json& value, std::vector<std::string>& out) {
  constexpr std::string_view kExpected = "a non-empty array of step ids (strings)";
  if (!value.is_array() || value.empty()) return Invalid("steps", kExpected, value);
  std::set<std::string> seen;
  for (size_t i = 0; i < value.size(); ++i) {
    std::string key = "steps[" + std::to_string(i) + "]";
    const json& id = value[i];
    if (!id.is_string() || id.get_ref<const std::string&>().empty()) {
      return Invalid(key, "a step id such as \"promote-db:dr-app-db\"", id);
    }
    if (!seen.insert(id.get<std::string>()).second) {
      return Invalid(key, "each step id once", id);
    }
    out.push_back(id.get<std::string>());
  }
  return Status::Ok();
}

Status ParseDeadline(const json& value, std::optional<std::chrono::seconds>& out) {
  std::string expected =
      "a whole number of seconds from 1 to " + std::to_string(kMaxEventDeadlineSeconds);
  if (!value.is_number_integer()) return Invalid("deadline_seconds", expected, value);
  // Unsigned values beyond int64 read back negative here and are rejected with the rest.
  auto seconds = value.get<int64_t>();
  if (seconds < 1 || seconds > kMaxEventDeadlineSeconds) {
    return Invalid("deadline_seconds", expected, value);
  }
  out = std::chrono::seconds(seconds);
  return Status::Ok();
}

Status ParseOrdering(const json& value, std::optional<EventOrdering>& out) {
  if (value == "parallel") {
    out = EventOrdering::kParallel;
  } else if (value == "sequential") {
    out = EventOrdering::kSequential;
  } else {
    return Invalid("ordering", "\"parallel\" or \"sequential\"", value);
  }
  return Status::Ok();
}

Status ParseKey(const std::string& key, const json& value, FailoverEvent& event) {
  if (key == "dry_run") {
    if (!value.is_boolean()) return Invalid(key, "true or false", value);
    event.dry_run = value.get<bool>();
    return Status::Ok();
  }
  if (key == "force") {
    if (!value.is_boolean()) return Invalid(key, "true or false", value);
    event.force = value.get<bool>();
    return Status::Ok();
  }
  if (key == "check") {
    if (!value.is_boolean()) return Invalid(key, "true or false", value);
    event.check = value.get<bool>();
    return Status::Ok();
  }
  if (key == "action") {
    if (value == "failover") {
      event.action = EventAction::kFailover;
    } else if (value == "failback") {
      event.action = EventAction::kFailback;
    } else if (value == "drill") {
      event.action = EventAction::kDrill;
    } else {
      return Invalid(key, "\"failover\", \"failback\" or \"drill\"", value);
    }
    return Status::Ok();
  }
  if (key == "steps") return ParseSteps(value, event.steps);
  if (key == "deadline_seconds") return ParseDeadline(value, event.deadline);
  if (key == "ordering") return ParseOrdering(value, event.ordering);
  return Status::InvalidArgument("unknown key \"" + key + "\": expected only " +
                                 std::string(kKnownKeys));
}

}  // namespace

Result<json> ParseEventJson(std::string_view body) {
  auto limit = [](int depth, json::parse_event_t, json&) {
    if (depth >= kMaxEventNesting) throw TooDeep();
    return true;
  };
  try {
    return json::parse(body, limit);
  } catch (const TooDeep&) {
    return Status::InvalidArgument("event: nested more than " + std::to_string(kMaxEventNesting) +
                                   " levels deep; expected a JSON object such as {} or "
                                   "{\"dry_run\": true}");
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix: it means nothing to users.
    size_t bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    return Status::InvalidArgument("invalid JSON at byte " + std::to_string(e.byte) + ": " + what);
  } catch (const json::exception& e) {  // out_of_range.406: a number no double holds (1e999)
    std::string what = e.what();
    size_t bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    return Status::InvalidArgument("invalid JSON: " + what);
  }
}

Result<FailoverEvent> ParseFailoverEvent(std::string_view body) {
  if (IsWhitespace(body)) return FailoverEvent{};
  DRF_ASSIGN_OR_RETURN(json event, ParseEventJson(body));
  if (event.is_null()) return FailoverEvent{};
  if (!event.is_object()) {
    return Status::InvalidArgument(
        "event: expected a JSON object (e.g. {} or {\"dry_run\": true}), got " + Show(event));
  }
  if (event.contains("source") && event.contains("detail-type")) return ParseEventBridge(event);
  FailoverEvent parsed;
  for (const auto& [key, value] : event.items()) {
    DRF_RETURN_IF_ERROR(ParseKey(key, value, parsed));
  }
  // A readiness check only reads: keys that shape a run would be silently ignored.
  if (parsed.check) {
    for (const char* key : {"dry_run", "force", "deadline_seconds", "ordering", "action"}) {
      if (event.contains(key)) {
        return Status::InvalidArgument(std::string("\"") + key +
                                       "\" does not go with \"check\": a check only reads; "
                                       "expected {\"check\": true} (optionally with \"steps\")");
      }
    }
  }
  return parsed;
}

}  // namespace drf
