#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <libregistry/metadata.hpp>

namespace libregistry {

/// Builds metadata of many fields in O(n log n), where adding them one by
/// one to a `metadata` costs O(n^2) (see `metadata`). It collects the
/// fields, sorts them by key and hands them to the map in order, each
/// appended at the map's end.
///
/// Duplicate keys: of the fields added under one key, the first added is
/// kept and the others are dropped, as `metadata::emplace` and a metadata
/// literal keep the first.
///
///   metadata_builder b;
///   b.reserve(keys.size());
///   for (auto& key : keys)
///     b.add(key, 1);
///   metadata m = b.build();
class metadata_builder {
public:
  /// Room for `n` fields without reallocation. Cost: O(n).
  void reserve(size_t n) { fields_.reserve(n); }

  /// Adds the field `key` = `value` (a plain value, a braced list or a
  /// nested `metadata`, as in a literal). Cost: O(1) amortised, moving
  /// `key` and the value.
  void add(std::string key, metadata_literal value) {
    fields_.emplace_back(std::move(key), std::move(value));
  }

  /// Fields added since the last `build`, duplicates included.
  size_t size() const noexcept { return fields_.size(); }

  /// The metadata of the fields added since the last `build`; the builder
  /// is left empty, its memory released. Cost: O(n log n) key comparisons
  /// for n fields, O(n) if they were added in key order, then n insertions
  /// at the map's end, O(1) amortised each. Keys and values are moved.
  metadata build();

private:
  std::vector<metadata_field> fields_;
};

} // namespace libregistry
