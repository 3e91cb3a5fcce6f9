// XmlReader: reads fields of AWS XML replies (query, EC2, rest-xml) by element name.
// Missing elements give defaults, because AWS omits empty fields; a malformed number or
// boolean records an Internal error naming the element. Only the first error is kept, so
// parsers stay straight-line code and check status() once at the end.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace drf {

class XmlReader {
 public:
  // `what` names the reply in error messages, e.g. "DescribeDBInstances".
  explicit XmlReader(std::string what) : what_(std::move(what)) {}

  // Text of the element at `path` ("Endpoint/Address") under `parent`; "" if absent.
  std::string Text(pugi::xml_node parent, const char* path) const;
  // Integer at `path`; `fallback` if absent; records an error if not an integer.
  int Int(pugi::xml_node parent, const char* path, int fallback = 0);
  // Integer at `path` that AWS always sends; records an error if absent or not an integer
  // (for fields whose absence must not read as 0, such as an ASG's sizes).
  int RequiredInt(pugi::xml_node parent, const char* path);
  // "true"/"false" at `path`; false if absent; records an error otherwise.
  bool Bool(pugi::xml_node parent, const char* path);
  // The texts of the `item` children of the element at `list_path`.
  std::vector<std::string> Strings(pugi::xml_node parent, const char* list_path,
                                   const char* item = "member") const;

  // The `item` children of the element at `list_path` as numbers (CloudWatch's Values);
  // records an error for one that is not a number.
  std::vector<double> Numbers(pugi::xml_node parent, const char* list_path,
                              const char* item = "member");

  const Status& status() const { return status_; }

 private:
  void Fail(pugi::xml_node parent, const char* path, const std::string& value,
            const char* expected);

  std::string what_;
  Status status_;
};

// The `item` children of the element at `list_path` (e.g. "DBInstances", "DBInstance").
// Absent list: no children.
pugi::xml_object_range<pugi::xml_named_node_iterator> XmlItems(pugi::xml_node parent,
                                                               const char* list_path,
                                                               const char* item = "member");

}  // namespace drf
