#include "services/ecs_client.h"

#include <algorithm>
#include <utility>

#include "services/batches.h"
#include "services/json_reader.h"
#include "services/paginate.h"

namespace drf {
namespace {

// AWS's limits per call (the ECS API reference).
constexpr size_t kServicesPerDescribe = 10;
constexpr size_t kClustersPerDescribe = 100;
constexpr int kListPageSize = 100;

EcsDeployment ParseDeployment(JsonReader& json) {
  return {json.String("id"),        json.String("status"),    json.String("rolloutState"),
          json.Int("desiredCount"), json.Int("runningCount"), json.Int("pendingCount")};
}

EcsService ParseService(JsonReader& json) {
  EcsService out;
  out.arn = json.String("serviceArn");
  out.name = json.String("serviceName");
  out.cluster_arn = json.String("clusterArn");
  out.status = json.String("status");
  out.launch_type = json.String("launchType");
  out.task_definition = json.String("taskDefinition");
  for (JsonReader& item : json.Objects("capacityProviderStrategy")) {
    out.capacity_providers.push_back(item.String("capacityProvider"));
  }
  // Always sent by AWS; read as 0 when missing, a desired count would be "raised" to the
  // minimum and could end up lowered.
  out.desired_count = json.RequiredInt("desiredCount");
  out.running_count = json.RequiredInt("runningCount");
  out.pending_count = json.Int("pendingCount");
  for (JsonReader& deployment : json.Objects("deployments")) {
    out.deployments.push_back(ParseDeployment(deployment));
  }
  for (JsonReader& event : json.Objects("events")) {
    out.events.push_back(
        {event.String("id"), event.Timestamp("createdAt"), event.String("message")});
  }
  return out;
}

// The `tags` list of a reply or a service: [{"key": ..., "value": ...}].
ResourceTags ParseTags(JsonReader& json) {
  ResourceTags tags;
  for (JsonReader& tag : json.Objects("tags")) tags[tag.String("key")] = tag.String("value");
  return tags;
}

EcsCluster ParseCluster(JsonReader& json) {
  EcsCluster out;
  out.arn = json.String("clusterArn");
  out.name = json.String("clusterName");
  out.status = json.String("status");
  out.capacity_providers = json.Strings("capacityProviders");
  out.registered_container_instances = json.Int("registeredContainerInstancesCount");
  return out;
}

void AddIp(std::vector<std::string>& ips, std::string ip) {
  if (!ip.empty() && std::find(ips.begin(), ips.end(), ip) == ips.end())
    ips.push_back(std::move(ip));
}

// awsvpc tasks report their address twice: in the ENI attachment's details (name/value
// pairs) and on each container's network interface. moto fills only the first, AWS both.
std::vector<std::string> ParsePrivateIps(JsonReader& task) {
  std::vector<std::string> ips;
  for (JsonReader& attachment : task.Objects("attachments")) {
    for (JsonReader& detail : attachment.Objects("details")) {
      if (detail.String("name") == "privateIPv4Address") AddIp(ips, detail.String("value"));
    }
  }
  for (JsonReader& container : task.Objects("containers")) {
    for (JsonReader& eni : container.Objects("networkInterfaces")) {
      AddIp(ips, eni.String("privateIpv4Address"));
    }
  }
  return ips;
}

EcsTask ParseTask(JsonReader& json) {
  EcsTask out;
  out.arn = json.String("taskArn");
  out.group = json.String("group");
  out.started_by = json.String("startedBy");
  out.last_status = json.String("lastStatus");
  out.desired_status = json.String("desiredStatus");
  out.health_status = json.String("healthStatus");
  out.stopped_reason = json.String("stoppedReason");
  out.stop_code = json.String("stopCode");
  out.stopping_at = json.Timestamp("stoppingAt");
  out.stopped_at = json.Timestamp("stoppedAt");
  out.availability_zone = json.String("availabilityZone");
  out.private_ips = ParsePrivateIps(json);
  for (JsonReader& container : json.Objects("containers")) {
    out.containers.push_back({container.String("name"), container.String("lastStatus"),
                              container.String("reason"), container.OptionalInt("exitCode")});
  }
  return out;
}

// Runs `fill(JsonReader&)` over the reply of `operation`; a field of the wrong type
// becomes Internal.
template <typename Fill>
Status ReadReply(std::string_view operation, const JsonResponse& reply, Fill fill) {
  JsonReader json(std::string(operation), reply.body);
  fill(json);
  return json.status();
}

nlohmann::json WithCluster(const std::string& cluster) {
  nlohmann::json request = nlohmann::json::object();
  // An empty cluster means the account's "default" cluster, as in the AWS CLI.
  if (!cluster.empty()) request["cluster"] = cluster;
  return request;
}

// ListServices and ListTasks: the ARNs of the `list_key` array over the nextToken pages, at
// most `max_pages` of them.
Result<EcsClient::ArnPages> ListPages(AwsClient& aws, std::string_view operation,
                                      nlohmann::json request, const char* list_key, int max_pages) {
  EcsClient::ArnPages out;
  request["maxResults"] = kListPageSize;
  Status status = Paginate(operation, [&](const std::string& token) -> Result<std::string> {
    if (!token.empty()) request["nextToken"] = token;
    DRF_ASSIGN_OR_RETURN(JsonResponse reply, aws.CallJson(services::kEcs, operation, request));
    ++out.pages;
    std::string next;
    DRF_RETURN_IF_ERROR(ReadReply(operation, reply, [&](JsonReader& json) {
      std::vector<std::string> page = json.Strings(list_key);
      out.arns.insert(out.arns.end(), page.begin(), page.end());
      next = json.String("nextToken");
    }));
    out.complete = next.empty();
    return out.pages < max_pages ? next : std::string();
  });
  if (!status.ok()) return status;
  return out;
}

// Every page; more than kMaxPages is an error (a service that never ends its list).
Result<std::vector<std::string>> ListAll(AwsClient& aws, std::string_view operation,
                                         nlohmann::json request, const char* list_key) {
  DRF_ASSIGN_OR_RETURN(EcsClient::ArnPages listed,
                       ListPages(aws, operation, std::move(request), list_key, kMaxPages));
  if (!listed.complete) {
    return Status::Internal(std::string(operation) + " returned more than " +
                            std::to_string(kMaxPages) + " pages");
  }
  return std::move(listed.arns);
}

// DescribeServices and DescribeTasks: `ids` sent as `ids_key` in batches of `batch_size`;
// the reply's objects under the same key are parsed into `Out::*items` and its failures
// into `Out::failures`.
template <typename Out, typename Item, typename Parse>
Result<Out> DescribeInBatches(AwsClient& aws, std::string_view operation,
                              nlohmann::json request_base, const char* ids_key,
                              const std::vector<std::string>& ids, size_t batch_size,
                              std::vector<Item> Out::*items, Parse parse) {
  Out out;
  for (std::vector<std::string>& batch : SplitIntoBatches(ids, batch_size)) {
    nlohmann::json request = request_base;
    request[ids_key] = std::move(batch);
    DRF_ASSIGN_OR_RETURN(JsonResponse reply, aws.CallJson(services::kEcs, operation, request));
    DRF_RETURN_IF_ERROR(ReadReply(operation, reply, [&](JsonReader& json) {
      for (JsonReader& item : json.Objects(ids_key)) (out.*items).push_back(parse(item));
      for (JsonReader& failure : json.Objects("failures")) {
        out.failures.push_back(
            {failure.String("arn"), failure.String("reason"), failure.String("detail")});
      }
    }));
  }
  return out;
}

}  // namespace

std::string ServiceNameFromArn(const std::string& arn) {
  size_t slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

bool IsServiceNamed(const EcsService& s, const std::string& name_or_arn) {
  return s.name == name_or_arn || s.arn == name_or_arn ||
         (s.arn.size() > name_or_arn.size() && s.arn.ends_with("/" + name_or_arn));
}

Result<std::vector<std::string>> EcsClient::ListServices(const std::string& cluster) {
  return ListAll(aws_, "ListServices", WithCluster(cluster), "serviceArns");
}

Result<std::vector<std::string>> EcsClient::ListServiceNames(const std::string& cluster) {
  DRF_ASSIGN_OR_RETURN(std::vector<std::string> names, ListServices(cluster));
  for (std::string& name : names) name = ServiceNameFromArn(name);
  return names;
}

Result<EcsServices> EcsClient::DescribeServices(const std::string& cluster,
                                                const std::vector<std::string>& services,
                                                bool with_tags) {
  nlohmann::json request = WithCluster(cluster);
  if (with_tags) request["include"] = nlohmann::json::array({"TAGS"});
  return DescribeInBatches(aws_, "DescribeServices", std::move(request), "services", services,
                           kServicesPerDescribe, &EcsServices::services,
                           [with_tags](JsonReader& json) {
                             EcsService service = ParseService(json);
                             if (with_tags) service.tags = ParseTags(json);
                             return service;
                           });
}

Result<Mutated<EcsService>> EcsClient::UpdateService(const std::string& cluster,
                                                     const std::string& service,
                                                     int desired_count) {
  nlohmann::json request = WithCluster(cluster);
  request["service"] = service;
  request["desiredCount"] = desired_count;
  Result<JsonResponse> reply = aws_.CallJson(services::kEcs, "UpdateService", request);
  if (!reply.ok()) return ExplainUnreadableMutation(reply.status());
  EcsService updated;
  Status read = ReadReply("UpdateService", *reply, [&](JsonReader& json) {
    JsonReader service_json = json.Object("service");
    updated = ParseService(service_json);
  });
  if (!read.ok())
    return UnusableMutationReply(services::kEcs, "UpdateService", reply->request_id, read);
  return Mutated<EcsService>{std::move(updated), reply->request_id};
}

Result<ResourceTags> EcsClient::ListTagsForResource(const std::string& arn) {
  nlohmann::json request = {{"resourceArn", arn}};
  DRF_ASSIGN_OR_RETURN(JsonResponse reply,
                       aws_.CallJson(services::kEcs, "ListTagsForResource", request));
  ResourceTags tags;
  DRF_RETURN_IF_ERROR(
      ReadReply("ListTagsForResource", reply, [&](JsonReader& json) { tags = ParseTags(json); }));
  return tags;
}

Result<Ack> EcsClient::TagResource(const std::string& arn, const std::string& key,
                                   const std::string& value) {
  nlohmann::json request = {{"resourceArn", arn},
                            {"tags", nlohmann::json::array({{{"key", key}, {"value", value}}})}};
  DRF_ASSIGN_OR_RETURN(JsonResponse reply, aws_.CallJson(services::kEcs, "TagResource", request));
  return Ack{reply.request_id};
}

Result<Ack> EcsClient::UntagResource(const std::string& arn, const std::string& key) {
  nlohmann::json request = {{"resourceArn", arn}, {"tagKeys", nlohmann::json::array({key})}};
  DRF_ASSIGN_OR_RETURN(JsonResponse reply, aws_.CallJson(services::kEcs, "UntagResource", request));
  return Ack{reply.request_id};
}

Result<std::vector<std::string>> EcsClient::ListTasks(const std::string& cluster,
                                                      const std::string& service_name,
                                                      const std::string& desired_status) {
  nlohmann::json request = WithCluster(cluster);
  if (!service_name.empty()) request["serviceName"] = service_name;
  if (!desired_status.empty()) request["desiredStatus"] = desired_status;
  return ListAll(aws_, "ListTasks", std::move(request), "taskArns");
}

Result<EcsClient::ArnPages> EcsClient::ListClusterTasks(const std::string& cluster,
                                                        const std::string& desired_status,
                                                        int max_pages) {
  nlohmann::json request = WithCluster(cluster);
  if (!desired_status.empty()) request["desiredStatus"] = desired_status;
  return ListPages(aws_, "ListTasks", std::move(request), "taskArns", max_pages);
}

Result<EcsClusters> EcsClient::DescribeClusters(const std::vector<std::string>& clusters) {
  return DescribeInBatches(aws_, "DescribeClusters", WithCluster(""), "clusters", clusters,
                           kClustersPerDescribe, &EcsClusters::clusters, ParseCluster);
}

Result<EcsTaskDefinition> EcsClient::DescribeTaskDefinition(const std::string& task_definition) {
  DRF_ASSIGN_OR_RETURN(JsonResponse reply, aws_.CallJson(services::kEcs, "DescribeTaskDefinition",
                                                         {{"taskDefinition", task_definition}}));
  EcsTaskDefinition out;
  DRF_RETURN_IF_ERROR(ReadReply("DescribeTaskDefinition", reply, [&](JsonReader& json) {
    JsonReader definition = json.Object("taskDefinition");
    out.arn = definition.String("taskDefinitionArn");
    out.status = definition.String("status");
    out.network_mode = definition.String("networkMode");
    out.requires_compatibilities = definition.Strings("requiresCompatibilities");
  }));
  return out;
}

Result<EcsTasks> EcsClient::DescribeTasks(const std::string& cluster,
                                          const std::vector<std::string>& task_arns) {
  return DescribeInBatches(aws_, "DescribeTasks", WithCluster(cluster), "tasks", task_arns,
                           kTasksPerDescribe, &EcsTasks::tasks, ParseTask);
}

}  // namespace drf
