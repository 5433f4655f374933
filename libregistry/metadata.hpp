#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include <caf/config_value.hpp>
#include <caf/meta/type_name.hpp>

namespace libregistry {

/// Metadata of a registration: a map from string keys to values. A value is
/// a string, integer (int64), float (double), boolean, atom, timespan, URI,
/// a list of values or a nested map. It is CAF's own `config_value`
/// dictionary, so it is inspectable and travels in messages as is.
using metadata = caf::config_value::dictionary;

/// A metadata value.
using metadata_value = caf::config_value;

/// The number of bytes `x` takes in CAF's binary serialization. This is the
/// size the registry's metadata limit applies to. Cost: one serialization
/// of `x`.
size_t serialized_size(const metadata& x);

/// Heap bytes a string holds beyond its own object (none while it fits the
/// small-string buffer). Cost: O(1).
size_t heap_bytes(const std::string& x);

/// Estimated heap bytes that `x` occupies in memory: map nodes, strings
/// and lists, recursively. Cost: O(size of `x`).
size_t heap_bytes(const metadata& x);

/// `heap_bytes(x)` with each allocation counted as glibc's malloc takes it
/// (`detail::allocation_bytes`): what `x` adds to the heap in use. Cost:
/// O(size of `x`).
size_t allocated_bytes(const metadata& x);

/// True if `meta[field]` equals `value`, or if `meta[field]` is a list with
/// an element equal to `value`. This is the matching rule of every
/// find-by-field operation.
bool field_matches(const metadata& meta, const std::string& field,
                   const metadata_value& value);

/// A test over metadata, for finding services by any condition. It runs
/// inside the registry, so it works only within one process: it carries no
/// data across the network, and an empty predicate is an error.
struct metadata_predicate {
  std::function<bool(const metadata&)> test;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metadata_predicate&) {
  return f(caf::meta::type_name("metadata_predicate"));
}

} // namespace libregistry
