#pragma once

#include <cstddef>

#include <caf/error.hpp>

#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry {

/// Bounds on what a registry holds and on what one registration or request
/// may carry. A request past a bound is refused with a clear error that
/// names the bound and its value, and changes nothing. Each bound is an
/// option of `registry_config.hpp` (`libregistry.<name>`, the field's name
/// with dashes).
struct registry_limits {
  /// Longest service name or kind, in bytes. Names must not be empty.
  size_t max_name_length = 255;
  /// Largest metadata, in bytes of CAF's binary serialization.
  size_t max_metadata_bytes = 64 * 1024;
  /// Deepest nesting of metadata: the maps and lists from the metadata's
  /// own map down to its deepest value (`{"a": 1}` nests 1 deep,
  /// `{"a": [1]}` 2). Checked without recursion before anything recursive
  /// (serialization, the index, comparison, printing) touches the value.
  /// At most `max_metadata_depth_ceiling`.
  size_t max_metadata_depth = 32;
  /// Most elements of one metadata list, or fields of one map.
  size_t max_metadata_list_length = 4096;
  /// Most registrations over all namespaces, as the backend counts them
  /// (with etcd, the cluster's). Replacing the metadata of a registration
  /// is allowed at the bound; adding one is not.
  size_t max_names = 10'000'000;
  /// Most test namespaces that exist at once (created and not yet dropped).
  size_t max_test_namespaces = 100'000;
  /// Most subscriptions one actor holds. Subscribing again with an equal
  /// subscription is allowed at the bound (it changes nothing).
  size_t max_subscriptions_per_actor = 10'000;
  /// Most listeners of one registry (an actor listens at most once, so this
  /// is the number of listening actors), `registry_options::listeners`
  /// included.
  size_t max_listeners = 10'000;
  /// Most `await` requests waiting for a name at once, over all requesters.
  size_t max_awaits = 100'000;
};

/// The largest `max_metadata_depth` the configuration accepts: CAF
/// serializes, copies and destroys a metadata value recursively, and a value
/// this deep stays far within a thread's stack.
constexpr size_t max_metadata_depth_ceiling = 1000;

/// `invalid_key` if the name is empty or either part is over-long.
/// Cost: O(1).
caf::error check_key(const registry_key& key, const registry_limits& limits);

/// `invalid_metadata` if `meta` nests deeper than the limit, has a list or
/// map longer than the limit, holds an infinite number (`has_infinity`:
/// CAF's serializer never ends on one), or serializes to more than the
/// limit. The shape is checked first, without recursion, stopping at the
/// first violation; only then is `meta` walked and serialized. Cost:
/// O(size of `meta`) and one serialization.
caf::error check_metadata(const metadata& meta, const registry_limits& limits);

/// `invalid_metadata` if `value`, a field's value (e.g. the value a find or
/// a subscription compares fields with), nests deeper than a field of
/// metadata may or has a list or map longer than the limit. Checked without
/// recursion. Cost: O(size of `value`).
caf::error check_metadata_value(const metadata_value& value,
                                const registry_limits& limits);

} // namespace libregistry
