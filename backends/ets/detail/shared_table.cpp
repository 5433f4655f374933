#include <libregistry/backends/ets/detail/shared_table.hpp>
#include <libregistry/backends/ets/detail/table_observer.hpp>

#include <libregistry/detail/power_of_two.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::ets::detail {

shared_table::shared_table(size_t shard_count)
    : sharded_table(libregistry::detail::round_up_to_power_of_two(
          shard_count == 0 ? 1 : shard_count)) {}

shared_table::~shared_table() = default;

table_observer::~table_observer() = default;

caf::actor shared_table::lookup(const registry_key& key) const {
  return read(key, [](const slot* x) -> caf::actor {
    return x != nullptr && !is_terminated(x->actor) ? x->actor : nullptr;
  });
}

caf::optional<entry>
shared_table::lookup_with_metadata(const registry_key& key) const {
  return read(key, [&](const slot* x) -> caf::optional<entry> {
    if (x == nullptr || is_terminated(x->actor))
      return caf::none;
    return entry{key, x->actor, x->meta};
  });
}

void shared_table::assign_metadata(const node& x, metadata meta) {
  update(x, [&](slot& y) { y.meta = std::move(meta); });
}

} // namespace libregistry::ets::detail
