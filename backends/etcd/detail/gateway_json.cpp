#include <libregistry/backends/etcd/detail/gateway_json.hpp>

#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>

#include <libregistry/errors.hpp>

namespace libregistry::etcd::detail {

namespace {

using json = nlohmann::json;

/// The field `name` of `obj`, or null if `obj` is no object or lacks it.
const json* field(const json& obj, const char* name) {
  if (!obj.is_object())
    return nullptr;
  auto i = obj.find(name);
  return i == obj.end() ? nullptr : &*i;
}

/// gRPC codes after which another endpoint may still answer.
bool is_transient(int64_t code) {
  constexpr int64_t deadline_exceeded = 4;
  constexpr int64_t unavailable = 14;
  return code == deadline_exceeded || code == unavailable;
}

} // namespace

std::string bytes_field(const json& obj, const char* name) {
  std::string result;
  auto x = field(obj, name);
  if (x != nullptr && x->is_string() &&
      !absl::Base64Unescape(x->get_ref<const std::string&>(), &result))
    result.clear();
  return result;
}

int64_t int_field(const json& obj, const char* name) {
  auto x = field(obj, name);
  if (x == nullptr)
    return 0;
  if (x->is_number_integer())
    return x->get<int64_t>();
  if (!x->is_string())
    return 0;
  auto& text = x->get_ref<const std::string&>();
  int64_t signed_value = 0;
  uint64_t unsigned_value = 0;
  if (absl::SimpleAtoi(text, &signed_value))
    return signed_value;
  if (absl::SimpleAtoi(text, &unsigned_value))
    return static_cast<int64_t>(unsigned_value);
  return 0;
}

bool bool_field(const json& obj, const char* name) {
  auto x = field(obj, name);
  return x != nullptr && x->is_boolean() && x->get<bool>();
}

std::string string_field(const json& obj, const char* name,
                         std::string fallback) {
  auto x = field(obj, name);
  if (x == nullptr || !x->is_string())
    return fallback;
  return x->get<std::string>();
}

const json& array_field(const json& obj, const char* name) {
  static const json empty = json::array();
  auto x = field(obj, name);
  return x != nullptr && x->is_array() ? *x : empty;
}

const json& object_field(const json& obj, const char* name) {
  static const json empty = json::object();
  auto x = field(obj, name);
  return x != nullptr && x->is_object() ? *x : empty;
}

int64_t header_revision(const json& answer) {
  return int_field(object_field(answer, "header"), "revision");
}

key_value to_key_value(const json& kv) {
  return {bytes_field(kv, "key"), bytes_field(kv, "value"),
          int_field(kv, "create_revision"), int_field(kv, "mod_revision"),
          int_field(kv, "lease")};
}

caf::expected<json> parse_answer(const std::string& url,
                                 const std::string& body, bool& transient) {
  transient = true;
  auto answer = json::parse(body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object())
    return make_error(registry_errc::unavailable,
                      url + ": not a JSON object: " + body.substr(0, 200));
  if (answer.contains("error")) {
    transient = is_transient(int_field(answer, "code"));
    return make_error(
        transient ? registry_errc::unavailable : registry_errc::backend_error,
        url + ": " + string_field(answer, "message", body.substr(0, 200)));
  }
  transient = false;
  return answer;
}

range_result range_answer(const json& answer) {
  range_result result;
  result.revision = header_revision(answer);
  for (auto& kv : array_field(answer, "kvs"))
    result.kvs.push_back(to_key_value(kv));
  return result;
}

create_result create_answer(const json& answer, const std::string& value,
                            int64_t lease) {
  create_result result;
  result.revision = header_revision(answer);
  result.created = bool_field(answer, "succeeded");
  if (result.created)
    return result;
  for (auto& r : array_field(answer, "responses"))
    for (auto& kv : array_field(object_field(r, "response_range"), "kvs"))
      result.holder = to_key_value(kv);
  // A retry of a create that etcd committed before its answer was lost
  // finds the key it wrote itself: that is a success.
  result.created = result.holder.value == value && result.holder.lease == lease;
  return result;
}

namespace {

/// The answers of a transaction of `n` nested transactions, or
/// `backend_error` if etcd answered another number of them.
caf::expected<const json*> nested_answers(const json& answer, size_t n,
                                          const char* what) {
  auto& responses = array_field(answer, "responses");
  if (responses.size() != n)
    return make_error(registry_errc::backend_error,
                      "etcd answered " + std::to_string(responses.size()) +
                          " of " + std::to_string(n) + " nested " + what);
  return &responses;
}

} // namespace

caf::expected<std::vector<create_result>>
create_all_answer(const json& answer, const std::vector<create_op>& ops) {
  auto nested = nested_answers(answer, ops.size(), "creates");
  if (!nested)
    return std::move(nested.error());
  auto& responses = **nested;
  std::vector<create_result> result;
  result.reserve(ops.size());
  auto revision = header_revision(answer);
  for (size_t i = 0; i < ops.size(); ++i) {
    result.push_back(create_answer(object_field(responses[i], "response_txn"),
                                   ops[i].value, ops[i].lease));
    result.back().revision = revision;
  }
  return result;
}

caf::expected<std::vector<int64_t>> erase_all_answer(const json& answer,
                                                     size_t n) {
  auto nested = nested_answers(answer, n, "removals");
  if (!nested)
    return std::move(nested.error());
  auto revision = header_revision(answer);
  std::vector<int64_t> result;
  result.reserve(n);
  for (auto& r : **nested)
    result.push_back(bool_field(object_field(r, "response_txn"), "succeeded")
                         ? revision
                         : 0);
  return result;
}

int64_t txn_answer(const json& answer) {
  return bool_field(answer, "succeeded") ? header_revision(answer) : 0;
}

caf::expected<lease_grant> grant_answer(const json& answer) {
  auto id = int_field(answer, "ID");
  auto ttl = int_field(answer, "TTL");
  if (id == 0 || ttl <= 0 || answer.contains("error"))
    return make_error(
        registry_errc::backend_error,
        "etcd granted no lease: " +
            answer.dump(-1, ' ', false, json::error_handler_t::replace)
                .substr(0, 200));
  return lease_grant{id, std::chrono::seconds{ttl}};
}

int64_t keep_alive_answer(const json& answer) {
  return int_field(object_field(answer, "result"), "TTL");
}

member_status status_answer(const json& answer, const std::string& endpoint) {
  member_status result;
  result.endpoint = endpoint;
  auto& header = object_field(answer, "header");
  result.member_id = static_cast<uint64_t>(int_field(header, "member_id"));
  result.leader_id = static_cast<uint64_t>(int_field(answer, "leader"));
  result.revision = int_field(header, "revision");
  result.db_size = int_field(answer, "dbSize");
  return result;
}

} // namespace libregistry::etcd::detail
