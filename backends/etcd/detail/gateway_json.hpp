#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include <libregistry/backends/etcd/detail/etcd_client.hpp>

namespace libregistry::etcd::detail {

/// Reading etcd's JSON gateway: bytes arrive base64-encoded, 64-bit
/// integers as strings, and fields at their default value are omitted.

/// The bytes of a base64 field; empty if absent or malformed.
std::string bytes_field(const nlohmann::json& obj, const char* name);

/// A 64-bit integer field; 0 when omitted or unreadable. Ids use all 64
/// bits, so an unsigned value is kept bit for bit.
int64_t int_field(const nlohmann::json& obj, const char* name);

/// The revision in an answer's header; 0 if absent.
int64_t header_revision(const nlohmann::json& answer);

/// A key-value object (`kv`, `prev_kv`, range results).
key_value to_key_value(const nlohmann::json& kv);

} // namespace libregistry::etcd::detail
