#pragma once

#include <string>

#include <caf/optional.hpp>

#include <libregistry/key.hpp>

namespace libregistry::etcd::detail {

/// Where a registration lives in etcd's key space, for one node:
///
///     <prefix>n/p/<kind><name>                  production
///     <prefix>n/t<owner><ref>/<kind><name>      a test namespace
///
/// where `<kind>`, `<name>` and `<owner>` are length-prefixed
/// (`<decimal length>:<bytes>`), so any bytes are allowed in them and no
/// namespace's prefix is a prefix of another's. Numbers are decimal without
/// leading zeros: each registration key has exactly one etcd key. A test
/// namespace's reference is unique in its process only, so its keys carry the
/// id of the node that created it: test namespaces are private to their node,
/// while `production` is shared by every node on the same prefix.
class key_layout {
public:
  key_layout(std::string prefix, std::string owner);

  const std::string& owner() const { return owner_; }

  /// The start of every registration key (the range a node watches).
  std::string names() const { return prefix_ + "n/"; }

  /// The start of every key of `ns`.
  std::string of(const name_space& ns) const;

  /// The etcd key of `key`.
  std::string of(const registry_key& key) const;

  /// The registration key that `etcd_key` names, if it is in `production`
  /// or in one of this node's test namespaces; none for any other key.
  caf::optional<registry_key> parse(const std::string& etcd_key) const;

private:
  std::string prefix_;
  std::string owner_;
};

} // namespace libregistry::etcd::detail
