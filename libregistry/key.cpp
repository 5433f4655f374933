#include <libregistry/key.hpp>

#include <ostream>

#include <atomic>
#include <tuple>

namespace libregistry {

namespace {

size_t combine(size_t seed, size_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

} // namespace

uint64_t fresh_namespace_ref() {
  static std::atomic<uint64_t> last{0};
  return ++last;
}

bool operator==(const name_space& x, const name_space& y) {
  return x.kind == y.kind && x.ref == y.ref;
}

bool operator!=(const name_space& x, const name_space& y) {
  return !(x == y);
}

std::string to_string(const name_space& x) {
  if (x.is_test())
    return "test#" + std::to_string(x.ref);
  return "production";
}

bool operator==(const service_name& x, const service_name& y) {
  return x.kind == y.kind && x.name == y.name;
}

bool operator!=(const service_name& x, const service_name& y) {
  return !(x == y);
}

bool operator<(const service_name& x, const service_name& y) {
  return std::tie(x.kind, x.name) < std::tie(y.kind, y.name);
}

std::string to_string(const service_name& x) {
  if (x.is_plain())
    return x.name;
  return "{" + x.kind + ", " + x.name + "}";
}

bool operator==(const registry_key& x, const registry_key& y) {
  return x.ns == y.ns && x.service == y.service;
}

bool operator!=(const registry_key& x, const registry_key& y) {
  return !(x == y);
}

std::string to_string(const registry_key& x) {
  return to_string(x.ns) + "/" + to_string(x.service);
}

void PrintTo(const name_space& x, std::ostream* os) {
  *os << to_string(x);
}

void PrintTo(const service_name& x, std::ostream* os) {
  *os << to_string(x);
}

void PrintTo(const registry_key& x, std::ostream* os) {
  *os << to_string(x);
}

} // namespace libregistry

namespace std {

size_t hash<libregistry::name_space>::operator()(
    const libregistry::name_space& x) const noexcept {
  return libregistry::combine(static_cast<size_t>(x.kind),
                              hash<uint64_t>{}(x.ref));
}

size_t hash<libregistry::service_name>::operator()(
    const libregistry::service_name& x) const noexcept {
  hash<string> h;
  return libregistry::combine(h(x.kind), h(x.name));
}

size_t hash<libregistry::registry_key>::operator()(
    const libregistry::registry_key& x) const noexcept {
  return libregistry::combine(hash<libregistry::name_space>{}(x.ns),
                              hash<libregistry::service_name>{}(x.service));
}

} // namespace std
