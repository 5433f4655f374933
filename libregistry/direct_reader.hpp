#pragma once

#include <caf/actor.hpp>
#include <caf/optional.hpp>

#include "libregistry/entry.hpp"
#include "libregistry/key.hpp"

namespace libregistry {

/// Read access to a backend's registrations from any thread, without a
/// message round trip, like reading an ETS table that one process owns.
/// The registry actor stays the only writer.
///
/// Invariant (staleness rule): no method returns an actor that has
/// terminated, even before the registry has processed its down message.
/// After the registry actor terminates, every lookup misses.
/// All methods are safe to call concurrently with each other and with the
/// registry's writes.
class direct_reader {
public:
  virtual ~direct_reader();

  /// The live actor registered under `key`, or a null handle.
  virtual caf::actor lookup(const registry_key& key) const = 0;

  /// The live registration under `key` with its metadata, or none. Copies
  /// the metadata.
  virtual caf::optional<entry> lookup_entry(const registry_key& key) const = 0;
};

} // namespace libregistry
