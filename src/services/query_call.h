// Shapes shared by the query-protocol clients (RDS, Auto Scaling, ELBv2, EC2, SNS, STS):
// all pages of a Describe call, a mutating call that returns one element, and one that
// returns nothing. Parsing stays in each client; only the call and paging plumbing lives
// here.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/aws_client.h"
#include "aws/query_params.h"
#include "services/mutated.h"
#include "services/paginate.h"
#include "services/xml_reader.h"

namespace drf {

// Names of a pagination token: sent as `request` and read back from `response` (a path
// under the result element). ELBv2 sends Marker and answers NextMarker; EC2 sends NextToken
// and answers nextToken.
struct QueryPaging {
  const char* request;
  const char* response;
};

// Calls `action` with `params` plus the token, once per page, and lets
// `parse_page(XmlReader&, pugi::xml_node result, std::vector<T>& out)` append each page's
// items.
template <typename T, typename ParsePage>
Result<std::vector<T>> QueryAllPages(AwsClient& aws, const ServiceInfo& service,
                                     std::string_view action, const QueryParams& params,
                                     QueryPaging paging, ParsePage parse_page) {
  std::vector<T> all;
  Status status = Paginate(action, [&](const std::string& token) -> Result<std::string> {
    QueryParams page_params = params;
    if (!token.empty()) AddParam(page_params, paging.request, token);
    DRF_ASSIGN_OR_RETURN(XmlResponse reply, aws.CallQuery(service, action, page_params));
    XmlReader xml{std::string(action)};
    parse_page(xml, reply.result, all);
    DRF_RETURN_IF_ERROR(xml.status());
    return xml.Text(reply.result, paging.response);
  });
  if (!status.ok()) return status;
  return all;
}

// One call of a list operation that does not paginate (ELBv2 DescribeTargetHealth).
template <typename T, typename ParsePage>
Result<std::vector<T>> QueryOnePage(AwsClient& aws, const ServiceInfo& service,
                                    std::string_view action, const QueryParams& params,
                                    ParsePage parse_page) {
  DRF_ASSIGN_OR_RETURN(XmlResponse reply, aws.CallQuery(service, action, params));
  XmlReader xml{std::string(action)};
  std::vector<T> out;
  parse_page(xml, reply.result, out);
  DRF_RETURN_IF_ERROR(xml.status());
  return out;
}

// Appends parse(xml, node) for each `item` element of the list at `list_path`.
template <typename T, typename Parse>
void AppendItems(XmlReader& xml, pugi::xml_node parent, const char* list_path, const char* item,
                 Parse parse, std::vector<T>& out) {
  for (pugi::xml_node node : XmlItems(parent, list_path, item)) out.push_back(parse(xml, node));
}

// Calls a mutating `action` whose result holds one `element` (e.g. RDS's <DBInstance>) and
// parses it. A reply that cannot be read or used (no element, a malformed field) is an
// Internal error saying the call may have been applied (ExplainUnreadableMutation).
template <typename T, typename Parse>
Result<Mutated<T>> QueryMutateOne(AwsClient& aws, const ServiceInfo& service,
                                  std::string_view action, const QueryParams& params,
                                  const char* element, Parse parse) {
  Result<XmlResponse> reply = aws.CallQuery(service, action, params);
  if (!reply.ok()) return ExplainUnreadableMutation(reply.status());
  pugi::xml_node node = reply->result.first_element_by_path(element);
  if (!node) {
    return UnusableMutationReply(
        service, action, reply->request_id,
        Status::Internal(std::string(action) + " reply has no " + element + " element"));
  }
  XmlReader xml{std::string(action)};
  T value = parse(xml, node);
  if (!xml.status().ok()) {
    return UnusableMutationReply(service, action, reply->request_id, xml.status());
  }
  return Mutated<T>{std::move(value), reply->request_id};
}

// Calls a mutating `action` that has no output.
inline Result<Ack> QueryAck(AwsClient& aws, const ServiceInfo& service, std::string_view action,
                            const QueryParams& params) {
  Result<XmlResponse> reply = aws.CallQuery(service, action, params);
  if (!reply.ok()) return ExplainUnreadableMutation(reply.status());
  return Ack{reply->request_id};
}

}  // namespace drf
