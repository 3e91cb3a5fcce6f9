// Finalization: turns a loaded PlanSpec into the exact step graph the executor runs —
// the services of `all_services` specs looked up (ResolveAllServices), then one step per
// ECS service, an id for every step, implied and sequential dependencies — and checks it
// (unique ids, known `after` ids, no cycles).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "plan/plan_spec.h"
#include "plan/validate.h"

namespace drf {

// The id a step gets when the configuration gives none: "promote-db:<identifier>",
// "scale-asg:<name>", "scale-ecs:<cluster>/<service>" (`service` for ECS, one per
// service), "register-targets:<target group name>".
std::string DefaultStepId(const StepSpec& step, const std::string& service = "");

// The names of the services in an ECS cluster, now (the app passes ECS ListServices).
using ListClusterServices =
    std::function<Result<std::vector<std::string>>(const std::string& cluster)>;

// Replaces every `all_services` ECS spec's services by the cluster's services as `list`
// gives them, so the plan (and its report) names exactly what is scaled. Errors: the
// first failing `list`, with "listing the services of ECS cluster <name>".
Status ResolveAllServices(PlanSpec& plan, const ListClusterServices& list);

// Call after ResolveAllServices (`services` is what counts from here on; an ECS spec with
// no services yields no step).
// On success `plan.steps` holds:
//  - one kScaleEcs step per service. An explicit id on an ECS spec is kept when it names
//    exactly one service; otherwise each piece is "<id>/<service>" and `after: [<id>]`
//    elsewhere means all pieces;
//  - an id on every step;
//  - in `after`: explicit dependencies, plus each register_targets step's source scale
//    step (ASG or ECS service) when that step is in the plan;
//  - on each scale step, `capacity_wait` (see ResolveWaits in the .cc and docs/plan-file.md);
//  - on every step, `timeout` and `stall_after`: its own, the plan's for its kind, or the
//    kind's default (DefaultStepTimeout, DefaultStallAfter);
//  - on each promote_db step, the plan's replica-lag guard;
//  - for Ordering::kSequential, the steps reordered into the original's order (promote,
//    ASGs, ECS, targets; explicit dependencies respected) and each after the previous.
// Default (parallel) graph: promotion and scaling start at once; each registration waits
// for its source. Errors (InvalidArgument, all of them): duplicate ids, unknown `after`
// ids, cycles ("a -> b -> a"). On error `plan` is left partly finalized: do not run it.
Status FinalizePlan(PlanSpec& plan);

// For loaders, before `all_services` is expanded: adds to `errors` every problem
// FinalizePlan would report. `after` ids under "scale-ecs:<cluster>/" are accepted for a
// cluster whose services are not known yet.
void CheckPlanGraph(const PlanSpec& plan, ConfigErrors& errors);

}  // namespace drf
