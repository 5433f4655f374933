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

/// `x` in CAF's binary format, the bytes of an etcd value.
std::string encode(const stored_entry& x);

/// The entry in `bytes`; `backend_error` for bytes that are not one (a
/// foreign or corrupt value under the registry's prefix).
caf::expected<stored_entry> decode(const std::string& bytes);

/// The holder `x` for humans: `actor ID of node OWNER at HOST:PORT`.
std::string describe(const stored_entry& x);

} // namespace libregistry::etcd::detail
