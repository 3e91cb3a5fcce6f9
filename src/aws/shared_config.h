// SharedConfig: the AWS shared config files (~/.aws/config and ~/.aws/credentials), parsed
// the way botocore's configloader does: INI sections, `key = value`, full-line `#`/`;`
// comments, and one level of nested sub-keys (a key with an empty value followed by
// indented `sub = value` lines, as used by `[services x]` sections).
//
// Which files: AWS_CONFIG_FILE (default $HOME/.aws/config) and AWS_SHARED_CREDENTIALS_FILE
// (default $HOME/.aws/credentials). Which profile: AWS_PROFILE, else AWS_DEFAULT_PROFILE,
// else "default".
//
// Immutable after construction, so safe to share between threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/environment.h"
#include "core/result.h"

namespace drf {

// One INI section. Keys are lower-cased (as Python's configparser does); values are
// trimmed.
struct ConfigSection {
  std::map<std::string, std::string> values;
  // Nested blocks: `ecs =` followed by indented `endpoint_url = ...` lines gives
  // nested["ecs"]["endpoint_url"].
  std::map<std::string, std::map<std::string, std::string>> nested;

  std::optional<std::string> Get(std::string_view key) const;
};

// Which file a profile value came from; named in Credentials.source and errors.
enum class ConfigOrigin { kCredentialsFile, kConfigFile };

struct ProfileValue {
  std::string value;
  ConfigOrigin origin;
};

// Parses one INI file's text. `name` (usually the path) is used in error messages, which
// name the line number but never echo the line (it may hold a secret).
Result<std::map<std::string, ConfigSection>> ParseIni(std::string_view text, std::string_view name);

class SharedConfig {
 public:
  SharedConfig() = default;  // no files, profile "default"

  // Reads both files; a missing file counts as empty, a malformed one is InvalidArgument.
  // `profile_override` (the CLI's --profile) beats AWS_PROFILE.
  static Result<SharedConfig> Load(const Environment& env,
                                   std::optional<std::string> profile_override = {});
  // From file contents, for tests and for callers that read the files themselves.
  static Result<SharedConfig> FromText(std::string_view config_text,
                                       std::string_view credentials_text,
                                       std::string profile = "default");

  // The selected profile's name.
  const std::string& profile() const { return profile_; }
  // `[profile name]` (or `[default]` for "default") from the config file; nullptr if absent.
  const ConfigSection* ConfigProfile(std::string_view name) const;
  // `[name]` from the credentials file; nullptr if absent.
  const ConfigSection* CredentialsProfile(std::string_view name) const;
  // `[services name]` from the config file; nullptr if absent.
  const ConfigSection* Services(std::string_view name) const;
  // A profile key, credentials file first (botocore merges it over the config file).
  std::optional<ProfileValue> Get(std::string_view profile, std::string_view key) const;
  // The profile's keys from both files merged, credentials file winning (botocore's view).
  ConfigSection MergedProfile(std::string_view name) const;
  // True when the profile appears in either file.
  bool HasProfile(std::string_view name) const;

  // For messages: the paths read (or that would have been read).
  const std::string& config_path() const { return config_path_; }
  const std::string& credentials_path() const { return credentials_path_; }

 private:
  static Result<SharedConfig> Parse(std::string_view config_text, std::string config_path,
                                    std::string_view credentials_text, std::string credentials_path,
                                    std::string profile);
  void AddConfigSections(std::map<std::string, ConfigSection> sections);

  std::string profile_ = "default";
  std::string config_path_;
  std::string credentials_path_;
  std::map<std::string, ConfigSection, std::less<>> config_profiles_;
  std::map<std::string, ConfigSection, std::less<>> services_;
  std::map<std::string, ConfigSection, std::less<>> credentials_profiles_;
};

// AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
std::string ProfileNameFromEnvironment(const Environment& env);

}  // namespace drf
