#include "services/iam_client.h"

#include "services/query_call.h"

namespace drf {

namespace {

// One EvaluationResult: per resource when IAM lists them, else its own decision.
void AppendResult(XmlReader& xml, pugi::xml_node node, std::vector<PolicySimulation>& out) {
  const std::string action = xml.Text(node, "EvalActionName");
  bool per_resource = false;
  for (pugi::xml_node r : XmlItems(node, "ResourceSpecificResults", "member")) {
    out.push_back({action, xml.Text(r, "EvalResourceName"), xml.Text(r, "EvalResourceDecision")});
    per_resource = true;
  }
  if (!per_resource) {
    out.push_back({action, xml.Text(node, "EvalResourceName"), xml.Text(node, "EvalDecision")});
  }
}

}  // namespace

Result<std::vector<PolicySimulation>> IamClient::SimulatePrincipalPolicy(
    const std::string& principal_arn, const std::vector<std::string>& actions,
    const std::vector<std::string>& resources) {
  QueryParams params;
  AddParam(params, "PolicySourceArn", principal_arn);
  AddList(params, "ActionNames.member", actions);
  AddList(params, "ResourceArns.member", resources);
  return QueryAllPages<PolicySimulation>(
      aws_, services::kIam, "SimulatePrincipalPolicy", params, {"Marker", "Marker"},
      [](XmlReader& xml, pugi::xml_node result, std::vector<PolicySimulation>& out) {
        for (pugi::xml_node node : XmlItems(result, "EvaluationResults", "member")) {
          AppendResult(xml, node, out);
        }
      });
}

}  // namespace drf
