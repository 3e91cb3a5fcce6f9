#include "services/sts_client.h"

#include "services/xml_reader.h"

namespace drf {

Result<CallerIdentity> StsClient::GetCallerIdentity() {
  DRF_ASSIGN_OR_RETURN(XmlResponse reply, aws_.CallQuery(services::kSts, "GetCallerIdentity", {}));
  XmlReader xml("GetCallerIdentity");
  CallerIdentity out{xml.Text(reply.result, "Account"), xml.Text(reply.result, "Arn"),
                     xml.Text(reply.result, "UserId")};
  if (out.account.empty()) return Status::Internal("GetCallerIdentity reply has no Account");
  return out;
}

}  // namespace drf
