#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include <caf/meta/type_name.hpp>

namespace libregistry {

/// The two kinds of namespace: the shared `production` one, and `test`
/// namespaces that a registry creates on request, one per test.
enum class namespace_kind : uint8_t { production, test };

/// Where a name lives. Namespaces are isolated: nothing registered in one is
/// visible or changeable from another.
///
/// `production` always exists. A `test` namespace exists in a registry only
/// after that registry created it (`new_ns` message) and until it is torn
/// down; using one that was never created is an `invalid_namespace` error.
/// References are unique within the process, so a test namespace is never
/// confused with one from another test.
struct name_space {
  namespace_kind kind = namespace_kind::production;
  /// Zero for `production`; the unique reference of a `test` namespace.
  uint64_t ref = 0;

  /// The `production` namespace.
  static name_space production() { return {}; }

  /// A `test` namespace with the given reference. Registries create fresh
  /// references; this constructor is for naming one that already exists.
  static name_space test(uint64_t ref) { return {namespace_kind::test, ref}; }

  bool is_test() const { return kind == namespace_kind::test; }
};

/// A reference no other test namespace of this process has had. Thread-safe.
uint64_t fresh_namespace_ref();

bool operator==(const name_space& x, const name_space& y);
bool operator!=(const name_space& x, const name_space& y);

/// Renders `production` or `test#<ref>`.
std::string to_string(const name_space& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, name_space& x) {
  return f(caf::meta::type_name("name_space"), x.kind, x.ref);
}

/// A service name: a plain name (`kind` empty), or a kind plus a name, like
/// the Elixir plan's `{agent, name}` and `{ecosystem_supervisor, name}`.
/// Both parts are compared byte for byte.
struct service_name {
  std::string kind;
  std::string name;

  service_name() = default;

  /// A plain name.
  service_name(std::string plain) : name(std::move(plain)) {}
  service_name(const char* plain) : name(plain) {}

  /// A kind + name pair.
  service_name(std::string kind_part, std::string name_part)
      : kind(std::move(kind_part)), name(std::move(name_part)) {}

  bool is_plain() const { return kind.empty(); }
};

bool operator==(const service_name& x, const service_name& y);
bool operator!=(const service_name& x, const service_name& y);
bool operator<(const service_name& x, const service_name& y);

/// Renders `name` or `{kind, name}`.
std::string to_string(const service_name& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_name& x) {
  return f(caf::meta::type_name("service_name"), x.kind, x.name);
}

/// The full key of a registration: namespace plus service name.
struct registry_key {
  name_space ns;
  service_name service;
};

bool operator==(const registry_key& x, const registry_key& y);
bool operator!=(const registry_key& x, const registry_key& y);

/// Renders `<namespace>/<service name>`.
std::string to_string(const registry_key& x);

/// Prints `x` as `to_string` renders it: how GoogleTest shows a key in a
/// failed assertion (it finds `PrintTo` beside the type).
void PrintTo(const name_space& x, std::ostream* os);
void PrintTo(const service_name& x, std::ostream* os);
void PrintTo(const registry_key& x, std::ostream* os);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_key& x) {
  return f(caf::meta::type_name("registry_key"), x.ns, x.service);
}

} // namespace libregistry

namespace std {

template <>
struct hash<libregistry::name_space> {
  size_t operator()(const libregistry::name_space& x) const noexcept;
};

template <>
struct hash<libregistry::service_name> {
  size_t operator()(const libregistry::service_name& x) const noexcept;
};

template <>
struct hash<libregistry::registry_key> {
  size_t operator()(const libregistry::registry_key& x) const noexcept;
};

} // namespace std
