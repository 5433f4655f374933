#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/config_value.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/sec.hpp>

namespace libregistry {

/// A metadata value: a string, integer (int64), float (double), boolean,
/// atom, timespan, URI, a list of values or a nested map. It is CAF's
/// `config_value`, whose converting constructor is explicit: a value on its
/// own is spelled `metadata_value{"imaging"}`; in a metadata literal the
/// plain value suffices (`metadata_literal`).
using metadata_value = caf::config_value;

class metadata;

/// A value as written in a metadata literal. It converts implicitly from
/// whatever `metadata_value` converts from explicitly, and makes the same
/// value: `"imaging"` a string, `3` an int64, `0.5` a double, `true` a bool,
/// a `metadata_value` itself. A braced list is a list of such values
/// (`{"gpu", "ml"}`; `{}` is the empty list), and a `metadata` a nested map.
/// Cost: that of making the value; a list copies its elements.
class metadata_literal {
public:
  /// `metadata_value{x}`.
  template <class T, class = std::enable_if_t<
                         !std::is_same_v<std::decay_t<T>, metadata_literal>>>
  metadata_literal(T&& x) : value(std::forward<T>(x)) {}

  /// A nested map: the dictionary of `x`, moved in whole.
  metadata_literal(metadata x);

  /// A list of the values `xs`.
  metadata_literal(std::initializer_list<metadata_literal> xs);

  metadata_value value;
};

/// One field of a metadata literal, a key and its value: `{"role",
/// "imaging"}`.
struct metadata_field {
  metadata_field(std::string key, metadata_literal value)
      : key(std::move(key)), value(std::move(value.value)) {}

  std::string key;
  metadata_value value;
};

/// Metadata of a registration: a map from string keys to values
/// (`metadata_value`), iterated in key order. It is CAF's `config_value`
/// dictionary with constructors of its own and nothing else: it compares,
/// prints and serializes as that dictionary does (same bytes, same text),
/// travels in messages, and converts to it without a copy.
///
/// Written in place as a literal, each field a key and a plain value:
///
///   metadata{{"role", "imaging"}}
///   metadata{{"replicas", 3}, {"ratio", 0.5}, {"on", true}}
///   metadata{{"tags", {"gpu", "ml"}}}
///
/// Cost: caf::dictionary's `emplace`, `insert`, `insert_or_assign`,
/// `operator[]`, `find`, `contains` and `count` look for the key with
/// std::lower_bound over the map's iterators: O(n) steps each for n fields,
/// so n fields added one by one cost O(n^2). Build large metadata with
/// `metadata_builder` (O(n log n)), and look a field up through the map
/// itself, `container().find(key)` (O(log n)). As a nested map, metadata
/// moves in whole through a literal field (`{"map", std::move(m)}`);
/// `metadata_value{m}` takes it for a range of pairs and emplaces them one
/// by one, O(n^2).
class metadata : public metadata_value::dictionary {
public:
  metadata() = default;

  /// The fields of `xs`, taken over. Explicit: a copy of a whole map is
  /// spelled out. Cost: O(1) for an rvalue.
  explicit metadata(metadata_value::dictionary xs) noexcept
      : metadata_value::dictionary(std::move(xs)) {}

  /// The fields `xs`; of a key given twice, the first (as `emplace` keeps
  /// it). Cost: O(n log n) for n fields, each copied.
  metadata(std::initializer_list<metadata_field> xs);
};

/// True if `x` holds an infinite double, at any depth. CAF 0.17 cannot
/// serialize one (its serializer never returns: caf/detail/ieee_754.hpp),
/// so such metadata is refused (`check_metadata`, and when read from
/// bytes). NaN serializes. Cost: O(size of `x`).
bool has_infinity(const metadata& x);

/// Inspects `x` as its dictionary: the bytes of CAF's serialization are the
/// dictionary's, so stored and sent metadata reads back either way.
///
/// Reading bytes from outside (another node, etcd) never throws: CAF 0.17
/// throws `std::runtime_error` from its variant's deserialization for a
/// value whose type tag is out of range; here that is the error
/// `sec::invalid_argument`, and `x` is left empty.
/// Nor is an infinite number accepted: CAF 0.17's serializer loops forever
/// on one, so it could never be sent or stored again.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metadata& x) {
  auto& dict = static_cast<metadata_value::dictionary&>(x);
  if constexpr (Inspector::reads_state) {
    return f(dict);
  } else {
    try {
      if (auto err = f(dict))
        return err;
    } catch (const std::exception& e) {
      dict.clear();
      return caf::make_error(caf::sec::invalid_argument,
                             std::string{"malformed metadata: "} + e.what());
    }
    if (has_infinity(x)) {
      dict.clear();
      return caf::make_error(caf::sec::invalid_argument,
                             "metadata holds an infinite number");
    }
    return caf::none;
  }
}

/// Prints `x` as CAF renders a dictionary, e.g. `{"role" = "imaging"}`: how
/// GoogleTest shows metadata in a failed assertion (it finds `PrintTo`
/// beside the type) instead of its bytes.
void PrintTo(const metadata& x, std::ostream* os);

/// The number of bytes `x` takes in CAF's binary serialization. This is the
/// size the registry's metadata limit applies to; the largest `size_t` if
/// `x` cannot be serialized (`has_infinity`). Cost: one walk over `x`,
/// counting without writing; a serialization of `x` if it holds a URI.
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

/// Empties `x` without recursion. A value nested deeper than the stack
/// allows (one a registry refused for its depth) cannot be destroyed or
/// copied the usual way: CAF's value type does both recursively, about a
/// hundred thousand levels per megabyte of stack. Dismantle such a value
/// instead of letting it go out of scope. Cost: O(size of `x`), and a
/// buffer of the values still to destroy.
void dismantle(metadata& x);

/// Empties `x` as `dismantle(metadata&)` does; `x` is an empty map after.
void dismantle(metadata_value& x);

/// True if `meta[field]` equals `value`, or if `meta[field]` is a list with
/// an element equal to `value`. This is the matching rule of every
/// find-by-field operation. Cost: O(log n) for n fields, plus one
/// comparison per element of a list.
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
