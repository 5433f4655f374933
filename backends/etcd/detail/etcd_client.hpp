#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace libregistry::etcd::detail {

/// One key and its value as etcd holds them (keys and values are bytes).
struct key_value {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  /// The lease the key is attached to, 0 for none.
  int64_t lease = 0;
};

/// The answer of a range read: the keys, and the store's revision at the
/// time of the read (a watch from `revision + 1` misses nothing after it).
struct range_result {
  std::vector<key_value> kvs;
  int64_t revision = 0;
};

/// The answer of a create-if-absent: whether the key was created, and if
/// not, who holds it.
struct create_result {
  bool created = false;
  /// The present key when `created` is false.
  key_value holder;
  int64_t revision = 0;
};

/// One key of `etcd_client::create_all`: created holding `value` under
/// `lease` (0: none) if it does not exist.
struct create_op {
  std::string key;
  std::string value;
  int64_t lease = 0;
};

/// One member's view of the cluster.
struct member_status {
  std::string endpoint;
  uint64_t member_id = 0;
  uint64_t leader_id = 0;
  int64_t revision = 0;
  /// Bytes of the member's database file, history not yet compacted
  /// included.
  int64_t db_size = 0;
};

/// A lease etcd granted.
struct lease_grant {
  int64_t id = 0;
  /// The TTL etcd granted, at least the one asked for.
  std::chrono::seconds ttl{0};
};

/// Files in PEM for TLS towards `https://` endpoints. Empty: curl's
/// default (the system's CAs; no client certificate).
struct tls_files {
  /// The CAs that etcd's certificate must chain to.
  std::string ca_file;
  /// This node's client certificate and its key, both or neither.
  std::string cert_file;
  std::string key_file;
};

/// Where the cluster is, how to prove who calls, and how long to wait.
struct client_options {
  client_options(std::vector<std::string> endpoints = {},
                 std::chrono::milliseconds request_timeout =
                     std::chrono::milliseconds{2000})
      : endpoints(std::move(endpoints)), request_timeout(request_timeout) {}

  /// Client URLs such as `http://127.0.0.1:2379`; tried in turn.
  std::vector<std::string> endpoints;
  /// Bound on one call, over every endpoint tried.
  std::chrono::milliseconds request_timeout;
  tls_files tls;
  /// etcd's authentication: the user and password a token is asked for;
  /// an empty user, none.
  std::string user;
  std::string password;
};

/// A synchronous client of etcd's v3 API through its JSON gateway
/// (`/v3/kv/*`, `/v3/lease/*`, `/v3/maintenance/status`), over libcurl and
/// nlohmann-json. Keys and values are base64 on the wire; 64-bit integers
/// arrive as strings; fields at their default value are omitted (a failed
/// transaction has no `succeeded`): the client hides all three.
///
/// A call goes to the endpoint that answered last and moves on to the
/// others when one cannot be reached or does not answer within a third of
/// `request_timeout`, within `request_timeout` in all. A write that timed
/// out may still have been applied, so each write is safe to repeat: `put`
/// writes the same value again, and `create` counts finding its own value
/// as success.
/// With a `user`, a call first authenticates if it holds no token, and
/// authenticates again once if etcd no longer knows its token
/// (`etcd_access`); TLS files apply to every call.
/// Errors: `unavailable` when no endpoint answered in time (no quorum
/// counts as that: etcd cannot commit, the request times out);
/// `access_denied` when a certificate, the user, its password or a
/// permission was refused; `backend_error` with etcd's message when etcd
/// refused the request otherwise.
///
/// Not thread-safe: one client per thread (each owns a connection).
class etcd_client {
public:
  explicit etcd_client(client_options opts);
  ~etcd_client();

  etcd_client(const etcd_client&) = delete;
  etcd_client& operator=(const etcd_client&) = delete;

  const client_options& options() const { return opts_; }

  /// Bounds the calls made while it lives, all together, by one request
  /// timeout from its start (each call keeps its own bound too): a write
  /// that takes several calls, such as settling earlier creates in doubt
  /// and then its own, has its whole outcome within `request_timeout`. A
  /// call with no time left fails at once with `unavailable`, sending
  /// nothing. An inner budget keeps the outer one's end.
  class budget {
  public:
    explicit budget(etcd_client& client);

    /// A budget that ends at `end` (earlier than one request timeout from
    /// now, or it keeps that bound).
    budget(etcd_client& client, std::chrono::steady_clock::time_point end);
    ~budget();

    budget(const budget&) = delete;
    budget& operator=(const budget&) = delete;

  private:
    etcd_client& client_;
    bool outer_;
  };

  /// Whether the last call sent its request to an endpoint. A write that
  /// failed after sending may have been applied (its outcome is in doubt);
  /// one that failed without sending was not.
  bool last_call_sent() const;

  /// A token of etcd's authentication, asked for now (empty without a
  /// user): for a connection the client does not make itself (a watch).
  caf::expected<std::string> fresh_token();

  /// Every key from `key` up to, not including, `range_end` (just `key`
  /// if `range_end` is empty). Linearizable: answered by the leader.
  caf::expected<range_result> range(const std::string& key,
                                    const std::string& range_end = "");

  /// Writes `key`, attached to `lease` unless 0; returns the new revision.
  caf::expected<int64_t> put(const std::string& key, const std::string& value,
                             int64_t lease = 0);

  /// Writes `key` only if it does not exist (compare create revision = 0),
  /// in one transaction, so two clients never both create it.
  caf::expected<create_result> create(const std::string& key,
                                      const std::string& value, int64_t lease);

  /// `create` for each of `ops`, all in one transaction (one round trip and
  /// one raft entry), each with its own condition and outcome: one nested
  /// transaction per key (etcd 3.3 and later). The keys must be distinct
  /// and fewer than etcd's `--max-txn-ops` (128 by default). The answers are
  /// in the order of `ops`. Errors as for one call, for all of them.
  caf::expected<std::vector<create_result>>
  create_all(const std::vector<create_op>& ops);

  /// Writes `key` attached to `lease` (0: none) only while its create
  /// revision is `create_revision`, so a key that was deleted and created
  /// again by someone else is left alone. Returns the new revision, or 0 if
  /// the condition failed.
  caf::expected<int64_t> put_if_created_at(const std::string& key,
                                           const std::string& value,
                                           int64_t lease,
                                           int64_t create_revision);

  /// Deletes `key` only while its create revision is `create_revision`,
  /// so a key that was deleted and created again by someone else stays.
  /// Returns the revision of the deletion, or 0 if the condition failed
  /// (also when a repeated call finds the key already deleted).
  caf::expected<int64_t> erase_if_created_at(const std::string& key,
                                             int64_t create_revision);

  /// `erase_if_created_at` for each of `ops` (a key and its create
  /// revision), all in one transaction, each with its own condition. The
  /// keys must be distinct and fewer than etcd's `--max-txn-ops`. Returns
  /// the revision of the transaction per key, 0 where its condition
  /// failed, in the order of `ops`.
  caf::expected<std::vector<int64_t>> erase_all_if_created_at(
      const std::vector<std::pair<std::string, int64_t>>& ops);

  /// Deletes `key` only while it holds `value`. Returns the revision of the
  /// deletion, or 0 if the key holds something else or nothing.
  caf::expected<int64_t> erase_if_value(const std::string& key,
                                        const std::string& value);

  /// Deletes every key from `key` up to `range_end`; returns how many.
  caf::expected<int64_t> erase_range(const std::string& key,
                                     const std::string& range_end);

  /// Discards the history before `revision`; a watch from an older
  /// revision is refused from then on.
  caf::error compact(int64_t revision);

  /// Grants a lease of `ttl`; returns its id and the TTL etcd granted,
  /// which is longer than `ttl` when `ttl` is below etcd's minimum (about
  /// 1.5 election timeouts, so 2 s in etcd's default configuration).
  caf::expected<lease_grant> grant_lease(std::chrono::seconds ttl);

  /// Renews lease `id`; returns the seconds it has left, 0 or less if it
  /// has expired (its keys are gone then).
  caf::expected<int64_t> keep_alive(int64_t id);

  /// The whole seconds lease `id` has left, without renewing it (0: less
  /// than one); -1 if it expired or never existed.
  caf::expected<int64_t> time_to_live(int64_t id);

  /// Revokes lease `id`, deleting its keys at once.
  caf::error revoke_lease(int64_t id);

  /// The status of the member at `endpoint` (one of the options').
  caf::expected<member_status> status(const std::string& endpoint);

  /// The smallest key greater than every key starting with `prefix`: the
  /// `range_end` of a prefix read.
  static std::string prefix_end(std::string prefix);

private:
  struct impl;

  client_options opts_;
  std::unique_ptr<impl> impl_;
};

} // namespace libregistry::etcd::detail
