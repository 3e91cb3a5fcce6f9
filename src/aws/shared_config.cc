#include "aws/shared_config.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "core/strings.h"

namespace drf {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> words;
  std::istringstream in{std::string(s)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// Splits "key = value" (or "key: value", as configparser also accepts) at the first
// delimiter. Returns false when there is none or the key is empty.
bool SplitKeyValue(std::string_view line, std::string* key, std::string* value) {
  size_t pos = line.find_first_of("=:");
  if (pos == std::string_view::npos) return false;
  *key = Lower(TrimWhitespace(line.substr(0, pos)));
  *value = std::string(TrimWhitespace(line.substr(pos + 1)));
  return !key->empty();
}

// State of the parse: the section and key that indented lines continue.
struct IniParser {
  std::string_view name;
  std::map<std::string, ConfigSection> sections;
  ConfigSection* section = nullptr;
  std::string key;  // last key in `section`; empty before the first
  int line_no = 0;

  Status Error(std::string_view what) const {
    // Never quote the line: credentials files hold secrets.
    return Status::InvalidArgument(std::string(name) + ":" + std::to_string(line_no) + ": " +
                                   std::string(what));
  }

  Status Continuation(std::string_view text) {
    auto value_it = section->values.find(key);
    bool nested = value_it == section->values.end() || value_it->second.empty();
    if (!nested) {  // a multi-line value
      value_it->second += "\n" + std::string(text);
      return Status::Ok();
    }
    std::string sub_key, sub_value;
    if (text.find('=') == std::string_view::npos || !SplitKeyValue(text, &sub_key, &sub_value)) {
      return Error("expected 'key = value' in the nested block of '" + key + "'");
    }
    if (value_it != section->values.end()) section->values.erase(value_it);
    section->nested[key][sub_key] = sub_value;
    return Status::Ok();
  }

  Status Line(std::string_view raw) {
    std::string_view text = TrimWhitespace(raw);
    if (text.empty() || text[0] == '#' || text[0] == ';') return Status::Ok();
    bool indented = raw[0] == ' ' || raw[0] == '\t';
    if (indented && section != nullptr && !key.empty()) return Continuation(text);
    if (text.front() == '[') {
      if (text.back() != ']' || text.size() < 3) return Error("malformed section header");
      section = &sections[std::string(TrimWhitespace(text.substr(1, text.size() - 2)))];
      key.clear();
      return Status::Ok();
    }
    if (section == nullptr) return Error("'key = value' before any [section]");
    std::string value;
    if (!SplitKeyValue(text, &key, &value)) return Error("expected 'key = value'");
    section->values[key] = value;
    section->nested.erase(key);
    return Status::Ok();
  }
};

}  // namespace

std::optional<std::string> ConfigSection::Get(std::string_view key) const {
  auto it = values.find(std::string(key));
  if (it == values.end()) return std::nullopt;
  return it->second;
}

Result<std::map<std::string, ConfigSection>> ParseIni(std::string_view text,
                                                      std::string_view name) {
  IniParser parser;
  parser.name = name;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++parser.line_no;
    DRF_RETURN_IF_ERROR(parser.Line(text.substr(start, end - start)));
    start = end + 1;
  }
  return std::move(parser.sections);
}

void SharedConfig::AddConfigSections(std::map<std::string, ConfigSection> sections) {
  for (auto& [header, section] : sections) {
    std::vector<std::string> words = SplitWords(header);
    std::map<std::string, ConfigSection, std::less<>>* target = nullptr;
    std::string name;
    if (header == "default") {
      target = &config_profiles_;
      name = "default";
    } else if (words.size() == 2 && words[0] == "profile") {
      target = &config_profiles_;
      name = words[1];
    } else if (words.size() == 2 && words[0] == "services") {
      target = &services_;
      name = words[1];
    } else {
      continue;  // botocore ignores other sections (sso-session, plugins, ...)
    }
    // `[default]` and `[profile default]` both name "default": merge, later keys win.
    ConfigSection& merged = (*target)[name];
    for (auto& [k, v] : section.values) merged.values[k] = v;
    for (auto& [k, v] : section.nested) merged.nested[k] = v;
  }
}

Result<SharedConfig> SharedConfig::Parse(std::string_view config_text, std::string config_path,
                                         std::string_view credentials_text,
                                         std::string credentials_path, std::string profile) {
  SharedConfig config;
  config.profile_ = std::move(profile);
  DRF_ASSIGN_OR_RETURN(auto config_sections, ParseIni(config_text, config_path));
  config.AddConfigSections(std::move(config_sections));
  DRF_ASSIGN_OR_RETURN(auto credential_sections, ParseIni(credentials_text, credentials_path));
  for (auto& [name, section] : credential_sections) {
    config.credentials_profiles_[name] = std::move(section);
  }
  config.config_path_ = std::move(config_path);
  config.credentials_path_ = std::move(credentials_path);
  return config;
}

Result<SharedConfig> SharedConfig::FromText(std::string_view config_text,
                                            std::string_view credentials_text,
                                            std::string profile) {
  return Parse(config_text, "config file", credentials_text, "credentials file",
               std::move(profile));
}

namespace {

// "~/x" -> "$HOME/x", as botocore's expanduser does.
std::string ExpandHome(const Environment& env, std::string path) {
  if (path.rfind("~/", 0) != 0) return path;
  auto home = env.GetNonEmpty("HOME");
  if (!home) return path;
  return *home + path.substr(1);
}

std::string FilePath(const Environment& env, std::string_view var, std::string_view file) {
  if (auto path = env.GetNonEmpty(var)) return ExpandHome(env, *path);
  return ExpandHome(env, "~/.aws/" + std::string(file));
}

// The file's text; a missing file is empty (most machines have neither file).
Result<std::string> ReadOptional(const Environment& env, const std::string& path) {
  Result<std::string> text = env.ReadFile(path);
  if (!text.ok() && text.status().code() == StatusCode::kNotFound) return std::string();
  return text;
}

}  // namespace

Result<SharedConfig> SharedConfig::Load(const Environment& env,
                                        std::optional<std::string> profile_override) {
  std::string config_path = FilePath(env, "AWS_CONFIG_FILE", "config");
  std::string credentials_path = FilePath(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  DRF_ASSIGN_OR_RETURN(std::string config_text, ReadOptional(env, config_path));
  DRF_ASSIGN_OR_RETURN(std::string credentials_text, ReadOptional(env, credentials_path));

  std::string profile = profile_override && !profile_override->empty()
                            ? *profile_override
                            : ProfileNameFromEnvironment(env);
  return Parse(config_text, std::move(config_path), credentials_text, std::move(credentials_path),
               std::move(profile));
}

const ConfigSection* SharedConfig::ConfigProfile(std::string_view name) const {
  auto it = config_profiles_.find(name);
  return it == config_profiles_.end() ? nullptr : &it->second;
}

const ConfigSection* SharedConfig::CredentialsProfile(std::string_view name) const {
  auto it = credentials_profiles_.find(name);
  return it == credentials_profiles_.end() ? nullptr : &it->second;
}

const ConfigSection* SharedConfig::Services(std::string_view name) const {
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : &it->second;
}

std::optional<ProfileValue> SharedConfig::Get(std::string_view profile,
                                              std::string_view key) const {
  if (const ConfigSection* section = CredentialsProfile(profile)) {
    if (auto value = section->Get(key)) return ProfileValue{*value, ConfigOrigin::kCredentialsFile};
  }
  if (const ConfigSection* section = ConfigProfile(profile)) {
    if (auto value = section->Get(key)) return ProfileValue{*value, ConfigOrigin::kConfigFile};
  }
  return std::nullopt;
}

ConfigSection SharedConfig::MergedProfile(std::string_view name) const {
  ConfigSection merged;
  if (const ConfigSection* section = ConfigProfile(name)) merged = *section;
  if (const ConfigSection* section = CredentialsProfile(name)) {
    for (const auto& [key, value] : section->values) merged.values[key] = value;
    for (const auto& [key, value] : section->nested) merged.nested[key] = value;
  }
  return merged;
}

bool SharedConfig::HasProfile(std::string_view name) const {
  return CredentialsProfile(name) != nullptr || ConfigProfile(name) != nullptr;
}

std::string ProfileNameFromEnvironment(const Environment& env) {
  if (auto profile = env.GetNonEmpty("AWS_PROFILE")) return *profile;
  if (auto profile = env.GetNonEmpty("AWS_DEFAULT_PROFILE")) return *profile;
  return "default";
}

}  // namespace drf
