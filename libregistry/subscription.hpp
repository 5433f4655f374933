#pragma once

#include <string>

#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry {

/// The metadata condition of a subscription: `field_matches(meta, field,
/// value)` (metadata.hpp).
struct field_condition {
  std::string field;
  metadata_value value;
};

bool operator==(const field_condition& x, const field_condition& y);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, field_condition& x) {
  return f(caf::meta::type_name("field_condition"), x.field, x.value);
}

/// Which changes a subscriber receives: those in one namespace, optionally
/// narrowed to one name, to registrations whose metadata meet a field
/// condition, or both.
///
/// A change matches if its registration matches before or after it: an
/// update that makes a registration meet the condition, or stop meeting it,
/// reaches the subscriber; the event's metadata tells which.
struct subscription {
  name_space ns;
  /// Only this name, if set.
  caf::optional<service_name> name;
  /// Only registrations whose metadata meet this condition, if set.
  caf::optional<field_condition> condition;

  /// Every change in `ns`.
  static subscription to_namespace(name_space ns);

  /// Changes of the registrations under one name.
  static subscription to_name(const registry_key& key);

  /// Changes of the registrations in `ns` whose `field` matches `value`.
  static subscription to_field(name_space ns, std::string field,
                               metadata_value value);

  /// True if a registration under `key` with metadata `meta` is covered.
  /// Cost: one comparison of names plus `field_matches`.
  bool covers(const registry_key& key, const metadata& meta) const;
};

bool operator==(const subscription& x, const subscription& y);

/// Renders e.g. `test#3/worker where role = "ml"`.
std::string to_string(const subscription& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, subscription& x) {
  return f(caf::meta::type_name("subscription"), x.ns, x.name, x.condition);
}

} // namespace libregistry
