#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/node_hash_map.h>

#include <libregistry/backends/ets/ets_backend.hpp>
#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry::optimized_ets::detail {

/// An inverted index from metadata `field = value` pairs to registrations,
/// per namespace, with the reverse index that makes removal cheap.
///
/// Every top-level field of a registration's metadata is indexed under its
/// value; a list value is also indexed under each of its elements, so the
/// index answers exactly what `field_matches` accepts.
///
/// It observes the ETS table (`table_observer`): the ETS backend tells it of
/// each change. Invariants: the index holds a registration iff `added` was
/// called for it and `removed` was not since. It refers to the table's
/// nodes by address and never dereferences a node after `added`.
///
/// Cost: `added` and `removed` O(size of that registration's metadata);
/// `find` O(1) expected and returns the matches without copying them.
class metadata_index final : public ets::detail::table_observer {
public:
  using node_set = ets::ets_state::node_set;

  /// Indexes `x`, which the index does not hold yet.
  void added(const node& x) override;

  /// Removes `x` from every posting; does nothing if `x` is not indexed.
  void removed(const node& x) override;

  /// The registrations of `ns` for which `field_matches` holds, or null if
  /// there is none; for a NaN value, those holding a NaN there, which
  /// `field_matches` refuses (NaN equals nothing): confirm each with it.
  const node_set* find(const name_space& ns, const std::string& field,
                       const metadata_value& value) const;

  /// Forgets namespace `ns`, whose registrations were each `removed`.
  void dropped(const name_space& ns) override;

  /// Forgets everything.
  void cleared() override;

  /// Distinct `field = value` pairs indexed, over all namespaces.
  size_t postings() const { return postings_; }

  /// Registration references held, over all postings.
  size_t references() const { return references_; }

  /// Heap bytes of the index at its current capacities. Cost: O(postings +
  /// indexed registrations).
  uint64_t memory_bytes() const;

private:
  /// Postings of one namespace, by encoded `field = value` pair. A node
  /// table, since `reverse_entry` points at its elements; probed with the
  /// slot prefetched (`prefetched_find`), so a find waits for two
  /// dependent misses before the posting set instead of a bucket list's
  /// three.
  using posting_map = absl::node_hash_map<std::string, node_set>;

  /// Where one registration is indexed.
  struct reverse_entry {
    posting_map* owner;
    std::vector<posting_map::value_type*> postings;
  };

  void link(posting_map& owner, reverse_entry& rev, std::string pair,
            const node& x);

  std::unordered_map<name_space, posting_map> by_namespace_;
  /// Registrations with at least one posting.
  absl::flat_hash_map<const node*, reverse_entry> reverse_;
  size_t postings_ = 0;
  size_t references_ = 0;
};

} // namespace libregistry::optimized_ets::detail
