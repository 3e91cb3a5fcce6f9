#include "services/sns_client.h"

#include "services/query_call.h"

namespace drf {

Result<Mutated<std::string>> SnsClient::Publish(
    const std::string& topic_arn, const std::string& subject, const std::string& message,
    const std::map<std::string, std::string>& string_attributes) {
  QueryParams params;
  AddParam(params, "TopicArn", topic_arn);
  AddParam(params, "Message", message);
  if (!subject.empty()) AddParam(params, "Subject", subject);
  if (!string_attributes.empty()) {
    std::vector<QueryStruct> entries;
    for (const auto& [name, value] : string_attributes) {
      entries.push_back(
          {{"Name", name}, {"Value.DataType", "String"}, {"Value.StringValue", value}});
    }
    AddStructList(params, "MessageAttributes.entry", entries);
  }
  return QueryMutateOne<std::string>(
      aws_, services::kSns, "Publish", params, "MessageId",
      [](XmlReader&, pugi::xml_node node) { return std::string(node.text().get()); });
}

}  // namespace drf
