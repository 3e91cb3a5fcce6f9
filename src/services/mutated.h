// Results of mutating calls: the request id is kept so reports can cite the exact AWS call
// that changed something (for support cases and audit trails).
#pragma once

#include <string>

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

}  // namespace drf
