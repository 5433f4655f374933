#pragma once

#include <cstdint>
#include <string>

#include <caf/actor_addr.hpp>
#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

#include <libregistry/metadata.hpp>

namespace libregistry::etcd::detail {

/// What etcd holds for one registration. An actor handle cannot be stored,
/// so the value names the node that owns the actor, the actor's id there,
/// and where that node's agent answers (see `node_agent`).
struct stored_entry {
  /// The owning node's id (`key_layout::owner`).
  std::string owner;
  caf::actor_id actor = 0;
  /// Host and port of the owning node's agent.
  std::string host;
  uint16_t port = 0;
  metadata meta;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_entry& x) {
  return f(caf::meta::type_name("stored_entry"), x.owner, x.actor, x.host,
           x.port, x.meta);
}

/// `x` as the bytes of an etcd value: one line of JSON that `etcdctl get`
/// shows as is,
///
///   {"actor":7,"address":{"host":"10.0.0.2","port":4242},
///    "metadata":{"role":"db"},"node":"3f2a9c1e-node"}
///
/// with metadata as `to_json` writes it (metadata_json.hpp), and the texts
/// as `text_to_json` does. Cost: O(size of `x`).
std::string encode(const stored_entry& x);

/// The entry in `bytes`, JSON as `encode` writes it (whitespace and field
/// order are free); `backend_error` saying what is wrong for bytes that are
/// not one (a foreign, corrupt or mistyped value under the registry's
/// prefix): not JSON, a field missing, unknown or of the wrong type, a port
/// beyond 65535, metadata `metadata_from_json` refuses.
caf::expected<stored_entry> decode(const std::string& bytes);

/// The holder `x` for humans: `actor ID of node OWNER at HOST:PORT`.
std::string describe(const stored_entry& x);

} // namespace libregistry::etcd::detail
