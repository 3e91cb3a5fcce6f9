#include "services/xml_reader.h"

#include <charconv>
#include <cstdlib>

namespace drf {

std::string XmlReader::Text(pugi::xml_node parent, const char* path) const {
  return parent.first_element_by_path(path).text().get();
}

int XmlReader::Int(pugi::xml_node parent, const char* path, int fallback) {
  pugi::xml_node node = parent.first_element_by_path(path);
  if (!node) return fallback;
  std::string text = node.text().get();
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    Fail(parent, path, text, "an integer");
    return fallback;
  }
  return value;
}

int XmlReader::RequiredInt(pugi::xml_node parent, const char* path) {
  if (!parent.first_element_by_path(path)) {
    if (status_.ok()) {
      status_ = Status::Internal(what_ + " reply: " + parent.name() + "/" + path +
                                 " is missing, expected an integer");
    }
    return 0;
  }
  return Int(parent, path);
}

bool XmlReader::Bool(pugi::xml_node parent, const char* path) {
  pugi::xml_node node = parent.first_element_by_path(path);
  if (!node) return false;
  std::string text = node.text().get();
  if (text == "true") return true;
  if (text != "false") Fail(parent, path, text, "true or false");
  return false;
}

std::vector<std::string> XmlReader::Strings(pugi::xml_node parent, const char* list_path,
                                            const char* item) const {
  std::vector<std::string> values;
  for (pugi::xml_node node : XmlItems(parent, list_path, item)) values.push_back(node.text().get());
  return values;
}

std::vector<double> XmlReader::Numbers(pugi::xml_node parent, const char* list_path,
                                       const char* item) {
  std::vector<double> values;
  for (pugi::xml_node node : XmlItems(parent, list_path, item)) {
    std::string text = node.text().get();
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
      Fail(parent, list_path, text, "a number");
      continue;
    }
    values.push_back(value);
  }
  return values;
}

void XmlReader::Fail(pugi::xml_node parent, const char* path, const std::string& value,
                     const char* expected) {
  if (!status_.ok()) return;
  status_ = Status::Internal(what_ + " reply: " + parent.name() + "/" + path + " is \"" + value +
                             "\", expected " + expected);
}

pugi::xml_object_range<pugi::xml_named_node_iterator> XmlItems(pugi::xml_node parent,
                                                               const char* list_path,
                                                               const char* item) {
  return parent.first_element_by_path(list_path).children(item);
}

}  // namespace drf
