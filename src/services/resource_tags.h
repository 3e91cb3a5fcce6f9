// ResourceTags: a resource's tags, key -> value, as every service reports them. drfailover
// keeps what must survive the run and the machine (a resource's standby values, the targets
// a failover registered) in tags on the resource itself (steps/standby_record.h).
#pragma once

#include <map>
#include <string>

namespace drf {

using ResourceTags = std::map<std::string, std::string>;

}  // namespace drf
