// Results of mutating calls: the request id is kept so reports can cite the exact AWS call
// that changed something (for support cases and audit trails).
#pragma once

#include <string>
#include <string_view>

#include "aws/service.h"
#include "core/status.h"

namespace drf {

// A mutating call that returns nothing but its request id.
struct Ack {
  std::string request_id;
};

// A mutating call's output together with the request id of the call that produced it.
template <typename T>
struct Mutated {
  T value;
  std::string request_id;
};

// True when `status` is the error of a call AWS accepted (answered 2xx) but whose reply
// could not be read: a mutating call may then have made its change. Such a call must be
// reported as made-but-unconfirmed, never as done and never as not done.
bool AcceptedButUnreadable(const Status& status);

// The error of a mutating call whose reply AWS sent (2xx, `request_id`) but whose content
// could not be used (`why`: a missing element, a field of the wrong type). Internal, with
// the call's AWS details (so AcceptedButUnreadable holds), explained by
// ExplainUnreadableMutation.
Status UnusableMutationReply(const ServiceInfo& service, std::string_view operation,
                             const std::string& request_id, const Status& why);

// For a mutating call's final error: when AWS accepted the call but its reply could not be
// read, the message says that the change may have been applied (and the request id), so
// neither a human nor a caller takes it for a refusal; any other error is returned as is.
Status ExplainUnreadableMutation(const Status& status);

}  // namespace drf
