#include <libregistry/backends/etcd/detail/etcd_client.hpp>

#include <mutex>
#include <optional>
#include <thread>

#include <absl/strings/escaping.h>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <libregistry/backends/etcd/detail/etcd_access.hpp>
#include <libregistry/backends/etcd/detail/gateway_json.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::etcd::detail {

namespace {

using json = nlohmann::json;
using clock = std::chrono::steady_clock;

std::string b64(const std::string& x) {
  return absl::Base64Escape(x);
}

/// A transaction's condition: `key` was created at `revision` (0: it does
/// not exist).
json created_at(const std::string& key, int64_t revision) {
  return json::array({{{"key", b64(key)},
                       {"target", "CREATE"},
                       {"result", "EQUAL"},
                       {"create_revision", std::to_string(revision)}}});
}

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

} // namespace

struct etcd_client::impl {
  CURL* curl = nullptr;
  std::string body;
  size_t preferred = 0;
  /// The end of the current `budget`, if one lives.
  std::optional<clock::time_point> budget_end;
  /// Whether the last call sent its request (`last_call_sent`).
  bool sent = false;
  etcd_access access;
  /// Whether the last `post` failed because etcd no longer knows the token.
  bool token_expired = false;

  explicit impl(const client_options& opts) : access(opts) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl = curl_easy_init();
  }

  ~impl() { curl_easy_cleanup(curl); }

  /// POSTs `request` to `url` within `left`; the answer's JSON, or why not.
  caf::expected<json> post(const std::string& url, const std::string& request,
                           clock::duration left, bool& transient) {
    body.clear();
    token_expired = false;
    auto ms = std::max<long>(
        1, static_cast<long>(
               std::chrono::duration_cast<std::chrono::milliseconds>(left)
                   .count()));
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
                     static_cast<long>(request.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(ms, 500L));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    access.prepare(curl);
    auto rc = curl_easy_perform(curl);
    long request_bytes = 0;
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_bytes);
    sent = sent || request_bytes > 0;
    if (rc != CURLE_OK)
      return transfer_failure(url, rc, access.curl_detail(), transient);
    auto answer = parse_answer(url, body, transient);
    if (answer)
      return answer;
    if (auto err = gateway_refused_certificate(url, body)) {
      transient = false;
      return err;
    }
    auto doc = json::parse(body, nullptr, false);
    if (auto err = refused_access(int_field(doc, "code"),
                                  string_field(doc, "message", body),
                                  access.options(), token_expired)) {
      transient = false;
      return err;
    }
    return answer;
  }

  /// Authenticates at `endpoint` within `left` unless a token is held.
  caf::error authenticate(const std::string& endpoint, clock::duration left,
                          bool& transient) {
    if (!access.needs_token())
      return caf::none;
    // Only the call's own request counts for `last_call_sent`.
    auto sent_before = sent;
    auto answer = post(endpoint + "/v3/auth/authenticate",
                       access.credentials().dump(), left, transient);
    sent = sent_before;
    if (!answer)
      return std::move(answer.error());
    return access.keep_token(string_field(*answer, "token", ""));
  }
};

etcd_client::etcd_client(client_options opts)
    : opts_(std::move(opts)), impl_(std::make_unique<impl>(opts_)) {}

etcd_client::~etcd_client() = default;

etcd_client::budget::budget(etcd_client& client)
    : budget(client, clock::time_point::max()) {}

etcd_client::budget::budget(etcd_client& client, clock::time_point end)
    : client_(client), outer_(!client.impl_->budget_end) {
  if (outer_)
    client_.impl_->budget_end =
        std::min(end, clock::now() + client_.opts_.request_timeout);
}

etcd_client::budget::~budget() {
  if (outer_)
    client_.impl_->budget_end.reset();
}

bool etcd_client::last_call_sent() const {
  return impl_->sent;
}

namespace {

/// Sends `request` to `path`, trying the endpoints from the preferred one
/// on, round after round, until one answers or `timeout` passes.
template <class Impl>
caf::expected<json> call(Impl& self, const client_options& opts,
                         const char* path, const json& request) {
  if (opts.endpoints.empty())
    return make_error(registry_errc::unavailable, "no etcd endpoint given");
  auto text = request.dump();
  self.sent = false;
  auto deadline = clock::now() + opts.request_timeout;
  if (self.budget_end)
    deadline = std::min(deadline, *self.budget_end);
  // A member that lost its leader holds a request until etcd's own timeout
  // (seconds); a third of the budget per attempt leaves time to ask the
  // others once a new leader is elected.
  auto per_attempt = std::max<clock::duration>(opts.request_timeout / 3,
                                               std::chrono::milliseconds(100));
  caf::error last;
  bool reauthenticated = false;
  auto n = opts.endpoints.size();
  for (size_t attempt = 0;; ++attempt) {
    auto left = deadline - clock::now();
    if (left <= clock::duration::zero())
      return make_error(registry_errc::unavailable,
                        attempt == 0
                            ? std::string{"the request timeout passed before "
                                          "this call"}
                            : "no etcd endpoint answered within the request "
                              "timeout; last: " +
                                  to_string(last));
    auto index = (self.preferred + attempt) % n;
    auto& endpoint = opts.endpoints[index];
    bool transient = false;
    auto err = self.authenticate(
        endpoint, std::min<clock::duration>(left, per_attempt), transient);
    auto answer = err ? caf::expected<json>{std::move(err)}
                      : self.post(endpoint + path, text,
                                  std::min<clock::duration>(
                                      deadline - clock::now(), per_attempt),
                                  transient);
    if (answer) {
      self.preferred = index;
      return answer;
    }
    if (self.token_expired && !reauthenticated) {
      // etcd forgot the token (expired unused, or etcd restarted): once
      // per call, authenticate again and repeat the request.
      self.access.drop_token();
      reauthenticated = true;
      --attempt;
      continue;
    }
    if (!transient)
      return std::move(answer.error());
    last = std::move(answer.error());
    if (attempt % n == n - 1) // a whole round failed: do not spin
      std::this_thread::sleep_for(std::min<clock::duration>(
          std::chrono::milliseconds(20), deadline - clock::now()));
  }
}

} // namespace

caf::expected<std::string> etcd_client::fresh_token() {
  if (opts_.user.empty())
    return std::string{};
  // Any call authenticates first when no token is held; a member's
  // status needs no permission.
  impl_->access.drop_token();
  auto answer = call(*impl_, opts_, "/v3/maintenance/status", json::object());
  if (!answer)
    return std::move(answer.error());
  return impl_->access.token();
}

caf::expected<range_result> etcd_client::range(const std::string& key,
                                               const std::string& range_end) {
  json request{{"key", b64(key)}};
  if (!range_end.empty())
    request["range_end"] = b64(range_end);
  auto answer = call(*impl_, opts_, "/v3/kv/range", request);
  if (!answer)
    return std::move(answer.error());
  return range_answer(*answer);
}

caf::expected<int64_t> etcd_client::put(const std::string& key,
                                        const std::string& value,
                                        int64_t lease) {
  json request{{"key", b64(key)}, {"value", b64(value)}};
  if (lease != 0)
    request["lease"] = std::to_string(lease);
  auto answer = call(*impl_, opts_, "/v3/kv/put", request);
  if (!answer)
    return std::move(answer.error());
  return header_revision(*answer);
}

namespace {

/// The transaction that creates `x.key` if it does not exist, and reads
/// its holder otherwise.
json create_txn(const create_op& x) {
  json put{{"key", b64(x.key)}, {"value", b64(x.value)}};
  if (x.lease != 0)
    put["lease"] = std::to_string(x.lease);
  return {
      {"compare", created_at(x.key, 0)},
      {"success", json::array({{{"request_put", std::move(put)}}})},
      {"failure", json::array({{{"request_range", {{"key", b64(x.key)}}}}})}};
}

} // namespace

caf::expected<create_result> etcd_client::create(const std::string& key,
                                                 const std::string& value,
                                                 int64_t lease) {
  auto answer =
      call(*impl_, opts_, "/v3/kv/txn", create_txn({key, value, lease}));
  if (!answer)
    return std::move(answer.error());
  return create_answer(*answer, value, lease);
}

caf::expected<std::vector<create_result>>
etcd_client::create_all(const std::vector<create_op>& ops) {
  auto nested = json::array();
  for (auto& x : ops)
    nested.push_back({{"request_txn", create_txn(x)}});
  json request{{"success", std::move(nested)}};
  auto answer = call(*impl_, opts_, "/v3/kv/txn", request);
  if (!answer)
    return std::move(answer.error());
  return create_all_answer(*answer, ops);
}

namespace {

/// Runs `op` only while `condition` holds; the revision `op` brought the
/// store to, or 0 if the condition failed.
template <class Impl>
caf::expected<int64_t> txn_if(Impl& self, const client_options& opts,
                              json condition, json op) {
  json request{{"compare", std::move(condition)},
               {"success", json::array({std::move(op)})}};
  auto answer = call(self, opts, "/v3/kv/txn", request);
  if (!answer)
    return std::move(answer.error());
  return txn_answer(*answer);
}

json erase_op(const std::string& key) {
  return {{"request_delete_range", {{"key", b64(key)}}}};
}

} // namespace

caf::expected<int64_t> etcd_client::put_if_created_at(const std::string& key,
                                                      const std::string& value,
                                                      int64_t lease,
                                                      int64_t create_revision) {
  json put{{"key", b64(key)}, {"value", b64(value)}};
  if (lease != 0)
    put["lease"] = std::to_string(lease);
  return txn_if(*impl_, opts_, created_at(key, create_revision),
                {{"request_put", std::move(put)}});
}

caf::expected<int64_t>
etcd_client::erase_if_created_at(const std::string& key,
                                 int64_t create_revision) {
  return txn_if(*impl_, opts_, created_at(key, create_revision), erase_op(key));
}

caf::expected<std::vector<int64_t>> etcd_client::erase_all_if_created_at(
    const std::vector<std::pair<std::string, int64_t>>& ops) {
  auto nested = json::array();
  for (auto& [key, revision] : ops)
    nested.push_back({{"request_txn",
                       {{"compare", created_at(key, revision)},
                        {"success", json::array({erase_op(key)})}}}});
  json request{{"success", std::move(nested)}};
  auto answer = call(*impl_, opts_, "/v3/kv/txn", request);
  if (!answer)
    return std::move(answer.error());
  return erase_all_answer(*answer, ops.size());
}

caf::expected<int64_t> etcd_client::erase_if_value(const std::string& key,
                                                   const std::string& value) {
  json holds_value = json::array({{{"key", b64(key)},
                                   {"target", "VALUE"},
                                   {"result", "EQUAL"},
                                   {"value", b64(value)}}});
  return txn_if(*impl_, opts_, std::move(holds_value), erase_op(key));
}

caf::expected<int64_t> etcd_client::erase_range(const std::string& key,
                                                const std::string& range_end) {
  json request{{"key", b64(key)}, {"range_end", b64(range_end)}};
  auto answer = call(*impl_, opts_, "/v3/kv/deleterange", request);
  if (!answer)
    return std::move(answer.error());
  return int_field(*answer, "deleted");
}

caf::error etcd_client::compact(int64_t revision) {
  json request{{"revision", std::to_string(revision)}};
  auto answer = call(*impl_, opts_, "/v3/kv/compaction", request);
  if (!answer)
    return std::move(answer.error());
  return caf::none;
}

caf::expected<lease_grant> etcd_client::grant_lease(std::chrono::seconds ttl) {
  json request{{"TTL", std::to_string(ttl.count())}};
  auto answer = call(*impl_, opts_, "/v3/lease/grant", request);
  if (!answer)
    return std::move(answer.error());
  return grant_answer(*answer);
}

caf::expected<int64_t> etcd_client::keep_alive(int64_t id) {
  json request{{"ID", std::to_string(id)}};
  auto answer = call(*impl_, opts_, "/v3/lease/keepalive", request);
  if (!answer)
    return std::move(answer.error());
  return keep_alive_answer(*answer);
}

caf::expected<int64_t> etcd_client::time_to_live(int64_t id) {
  json request{{"ID", std::to_string(id)}};
  auto answer = call(*impl_, opts_, "/v3/lease/timetolive", request);
  if (!answer)
    return std::move(answer.error());
  return int_field(*answer, "TTL");
}

caf::error etcd_client::revoke_lease(int64_t id) {
  json request{{"ID", std::to_string(id)}};
  auto answer = call(*impl_, opts_, "/v3/lease/revoke", request);
  if (!answer)
    return std::move(answer.error());
  return caf::none;
}

caf::expected<member_status> etcd_client::status(const std::string& endpoint) {
  bool transient = false;
  auto answer = impl_->post(endpoint + "/v3/maintenance/status", "{}",
                            opts_.request_timeout, transient);
  if (!answer)
    return std::move(answer.error());
  return status_answer(*answer, endpoint);
}

std::string etcd_client::prefix_end(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last < 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return std::string(1, '\0'); // every key
}

} // namespace libregistry::etcd::detail
