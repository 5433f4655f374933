#pragma once

#include <libregistry/backends/ets/detail/shared_table.hpp>
#include <libregistry/key.hpp>

namespace libregistry::ets::detail {

/// What a structure kept beside an ETS table is told of each change the
/// writer makes, in the order it makes them, so that it stays in step with
/// the table: the hook through which `optimized_ets` keeps its metadata
/// index. The ETS backend calls it on the registry actor's thread only.
class table_observer {
public:
  using node = shared_table::node;

  virtual ~table_observer() = default;

  /// `x` was inserted, or its metadata was replaced.
  virtual void added(const node& x) = 0;

  /// `x` is about to be erased, or its metadata replaced.
  virtual void removed(const node& x) = 0;

  /// Namespace `ns` was dropped, after each of its nodes was `removed`.
  virtual void dropped(const name_space& ns) = 0;

  /// The table is about to be cleared.
  virtual void cleared() = 0;
};

} // namespace libregistry::ets::detail
