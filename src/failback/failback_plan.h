// The failback plan: the failover plan's steps with every dependency turned around, so
// what the failover did last is undone first. Traffic leaves the DR region (DNS back,
// targets deregistered) before the capacity serving it goes (ASGs and services back to
// standby), and a step whose undoing fails stops what depended on it, as in a failover.
#pragma once

#include <vector>

#include "plan/plan_spec.h"

namespace drf {

// `specs` (finalized, possibly a selected subset) with reversed dependencies: A after B in
// the result exactly when B is after A in `specs`. Same steps, same order.
std::vector<StepSpec> ReverseDependencies(const std::vector<StepSpec>& specs);

}  // namespace drf
