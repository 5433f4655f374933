#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include <caf/actor.hpp>

#include <libregistry/backends/detail/sharded_table.hpp>
#include <libregistry/direct_reader.hpp>
#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry::partitioned::detail {

/// One actor under a name, with its own metadata.
struct member {
  caf::actor actor;
  metadata meta;
};

/// The members under one name, in the order they joined. Under unique keys
/// a group has exactly one member.
using group = std::vector<member>;

/// The `partitioned` backend's table: keys to groups in a `sharded_table`
/// (backends/detail/sharded_table.hpp, which states its invariants and
/// costs), one shard per partition, read directly by any thread. A read
/// walks the group until its first live member.
class partition_table final
    : public libregistry::detail::sharded_table<registry_key, group> {
public:
  /// `partitions` must be at least 1; any count works (no rounding).
  explicit partition_table(size_t partitions);

  ~partition_table() override;

  /// Copies the live members' handles and metadata once under the shared
  /// lock, releases it, then calls `f` for each.
  size_t for_each_member(const registry_key& key,
                         const member_visitor& f) const override;

  // -- the writer only --------------------------------------------------------

  /// Inserts a key that is not present, with one member, and returns its
  /// node.
  const node* insert(registry_key key, member first);

  /// Adds a member at the end of an existing group.
  void append(const node& x, member m);

  /// Replaces the metadata of member `index` of an existing group.
  void assign_metadata(const node& x, size_t index, metadata meta);

  /// Removes member `index` of an existing group, keeping the others in
  /// order; the group may become empty.
  void remove_member(const node& x, size_t index);
};

/// The first member of `xs` whose actor has not terminated, or null: the
/// holder that `sharded_table`'s reads answer.
const member* live_member(const group& xs);

/// Prefetches the first member of a group (`sharded_table`'s scans).
inline void prefetch_value(const group& xs) {
  if (!xs.empty())
    __builtin_prefetch(xs.data());
}

/// Whether `key` is in `ns` and `keep` keeps one of its members; if so,
/// prefetches what `collect_live` reads of their actors (`sharded_table`'s
/// scans).
bool scan_candidate(const registry_key& key, const group& xs,
                    const name_space& ns,
                    const direct_reader::metadata_filter& keep);

/// Appends the live members of `xs` under `key` that `keep` keeps to
/// `out`, in the order they joined (`sharded_table`'s scans, for a
/// candidate: `key` is in the namespace).
void collect_live(const registry_key& key, const group& xs,
                  const direct_reader::metadata_filter& keep,
                  std::vector<entry>& out);

} // namespace libregistry::partitioned::detail
