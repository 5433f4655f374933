#include <libregistry/backends/etcd/detail/gateway_json.hpp>

#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>

namespace libregistry::etcd::detail {

std::string bytes_field(const nlohmann::json& obj, const char* name) {
  std::string result;
  auto i = obj.find(name);
  if (i != obj.end() && i->is_string() &&
      !absl::Base64Unescape(i->get<std::string>(), &result))
    result.clear();
  return result;
}

int64_t int_field(const nlohmann::json& obj, const char* name) {
  auto i = obj.find(name);
  if (i == obj.end())
    return 0;
  if (i->is_number_integer())
    return i->get<int64_t>();
  if (!i->is_string())
    return 0;
  auto text = i->get<std::string>();
  int64_t signed_value = 0;
  uint64_t unsigned_value = 0;
  if (absl::SimpleAtoi(text, &signed_value))
    return signed_value;
  if (absl::SimpleAtoi(text, &unsigned_value))
    return static_cast<int64_t>(unsigned_value);
  return 0;
}

int64_t header_revision(const nlohmann::json& answer) {
  auto i = answer.find("header");
  return i == answer.end() ? 0 : int_field(*i, "revision");
}

key_value to_key_value(const nlohmann::json& kv) {
  return {bytes_field(kv, "key"), bytes_field(kv, "value"),
          int_field(kv, "create_revision"), int_field(kv, "mod_revision"),
          int_field(kv, "lease")};
}

} // namespace libregistry::etcd::detail
