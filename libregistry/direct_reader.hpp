#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include <caf/actor.hpp>
#include <caf/optional.hpp>

#include <libregistry/entry.hpp>
#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry {

/// Read access to a backend's registrations from any thread, without a
/// message round trip, like reading an ETS table that one process owns.
/// The registry actor stays the only writer.
///
/// Invariant (staleness rule): no method returns an actor that has
/// terminated, even before the registry has processed its down message.
/// A restart of the registry actor does not interrupt reads; once the
/// registry stops for good (`registry::stop`, or its supervisor gives up),
/// every lookup misses.
/// All methods are safe to call concurrently with each other and with the
/// registry's writes.
class direct_reader {
public:
  /// What `for_each_member` calls once per live member.
  using member_visitor =
      std::function<void(const caf::actor&, const metadata&)>;

  virtual ~direct_reader();

  /// The live actor registered under `key`, or a null handle. A backend
  /// with duplicate keys returns the earliest live member.
  virtual caf::actor lookup(const registry_key& key) const = 0;

  /// The live registration under `key` with its metadata, or none. Copies
  /// the metadata.
  virtual caf::optional<entry>
  lookup_with_metadata(const registry_key& key) const = 0;

  /// Calls `f` once for each live member under `key` (at most one for a
  /// backend with unique keys) and returns how many it called `f` for.
  /// `f` runs on the calling thread after every lock is released, so it may
  /// send messages or call back into the reader.
  ///
  /// Cost of this default, meant for single-holder backends: one
  /// `lookup_with_metadata` (one probe and a copy of the metadata). Backends
  /// with groups override it to copy the member list once under their lock.
  virtual size_t for_each_member(const registry_key& key,
                                 const member_visitor& f) const;

  // -- scans ------------------------------------------------------------------

  /// What a scan keeps of each live registration, judged by its metadata;
  /// a null filter keeps all. It runs under the reader's locks, so it must
  /// be quick, must not throw and must not call into the registry:
  /// `field_matches` is one. A user's predicate is applied to the scan's
  /// result instead.
  using metadata_filter = std::function<bool(const metadata&)>;

  /// True if `scan` reads this reader's registrations. The registry then
  /// runs its lists and finds on a scan, on a worker of its own, so that
  /// its writes never wait behind them. Default: false.
  virtual bool scans() const;

  /// The live registrations of `ns` that `keep` keeps, each with its
  /// metadata, in no particular order. Empty for a namespace the reader
  /// does not hold, and for a reader that does not scan (`scans`).
  ///
  /// Consistency, as an ETS select's: a scan sees every registration that
  /// existed for its whole run and none that was gone for its whole run;
  /// one written meanwhile may or may not be seen. Writes acknowledged
  /// before the scan started are all seen.
  ///
  /// Cost: O(registrations of the whole backend) reads, plus a copy of
  /// each kept registration. A writer waits for a scan at most as long as
  /// the scan takes over a bounded chunk of registrations.
  virtual std::vector<entry> scan(const name_space& ns,
                                  const metadata_filter& keep) const;
};

} // namespace libregistry
