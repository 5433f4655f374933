#pragma once

#include <cstdint>
#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include <libregistry/backends/etcd/detail/etcd_client.hpp>

namespace libregistry::etcd::detail {

/// Reading etcd's JSON gateway: bytes arrive base64-encoded, 64-bit
/// integers as strings, and fields at their default value are omitted.
///
/// Everything here reads untrusted bytes (whatever answers on an endpoint's
/// port) and never throws: a field of the wrong type reads as absent, and a
/// body that is not a JSON object is an error (test/fuzz/ checks both).

/// The bytes of a base64 field; empty if absent or malformed.
std::string bytes_field(const nlohmann::json& obj, const char* name);

/// A 64-bit integer field; 0 when omitted or unreadable. Ids use all 64
/// bits, so an unsigned value is kept bit for bit.
int64_t int_field(const nlohmann::json& obj, const char* name);

/// A boolean field; false when omitted or not a boolean.
bool bool_field(const nlohmann::json& obj, const char* name);

/// A string field; `fallback` when omitted or not a string.
std::string string_field(const nlohmann::json& obj, const char* name,
                         std::string fallback);

/// The elements of an array field; none when omitted or not an array.
const nlohmann::json& array_field(const nlohmann::json& obj, const char* name);

/// An object field; the empty object when omitted or not an object.
const nlohmann::json& object_field(const nlohmann::json& obj, const char* name);

/// The revision in an answer's header; 0 if absent.
int64_t header_revision(const nlohmann::json& answer);

/// A key-value object (`kv`, `prev_kv`, range results).
key_value to_key_value(const nlohmann::json& kv);

/// The answer `body` that `url` sent: a JSON object without an `error`
/// field. Errors: `unavailable` (and `transient` true) for a body that is
/// not a JSON object or for gRPC's transient codes, else `backend_error`
/// with etcd's message.
caf::expected<nlohmann::json>
parse_answer(const std::string& url, const std::string& body, bool& transient);

/// The answer of `/v3/kv/range`.
range_result range_answer(const nlohmann::json& answer);

/// The answer of the create-if-absent transaction writing `value` under
/// `lease` (`etcd_client::create`).
create_result create_answer(const nlohmann::json& answer,
                            const std::string& value, int64_t lease);

/// The answer of the transaction of nested creates `ops`
/// (`etcd_client::create_all`), one result per op. Errors: `backend_error`
/// if etcd answered another number of nested transactions.
caf::expected<std::vector<create_result>>
create_all_answer(const nlohmann::json& answer,
                  const std::vector<create_op>& ops);

/// The answer of the transaction of `n` nested conditional removals
/// (`etcd_client::erase_all_if_created_at`): per removal, the revision of
/// the transaction, or 0 where its condition failed. Errors:
/// `backend_error` if etcd answered another number of nested transactions.
caf::expected<std::vector<int64_t>>
erase_all_answer(const nlohmann::json& answer, size_t n);

/// The answer of a conditional transaction: the revision it brought the
/// store to, or 0 if the condition failed.
int64_t txn_answer(const nlohmann::json& answer);

/// The answer of `/v3/lease/grant`: the lease's id and granted TTL.
/// Errors: `backend_error` if etcd granted none (no id, no positive TTL).
caf::expected<lease_grant> grant_answer(const nlohmann::json& answer);

/// The answer of `/v3/lease/keepalive`: the seconds the lease has left.
int64_t keep_alive_answer(const nlohmann::json& answer);

/// The answer of `/v3/maintenance/status` from `endpoint`.
member_status status_answer(const nlohmann::json& answer,
                            const std::string& endpoint);

} // namespace libregistry::etcd::detail
