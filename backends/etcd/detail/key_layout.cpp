#include <libregistry/backends/etcd/detail/key_layout.hpp>

#include <charconv>
#include <string_view>

namespace libregistry::etcd::detail {

namespace {

void append_field(std::string& out, const std::string& x) {
  out += std::to_string(x.size());
  out += ':';
  out += x;
}

/// Reads a decimal number from the front of `in`, up to `end_mark`. Only
/// the form `of` writes is accepted (no leading zero), so that no two etcd
/// keys name the same registration.
bool take_number(std::string_view& in, char end_mark, uint64_t& out) {
  if (in.size() >= 2 && in[0] == '0' && in[1] != end_mark)
    return false;
  auto [rest, ec] = std::from_chars(in.data(), in.data() + in.size(), out);
  if (ec != std::errc{} || rest == in.data() || rest == in.data() + in.size() ||
      *rest != end_mark)
    return false;
  in.remove_prefix(static_cast<size_t>(rest - in.data()) + 1);
  return true;
}

/// Reads one length-prefixed field from the front of `in`.
bool take_field(std::string_view& in, std::string& out) {
  uint64_t size = 0;
  if (!take_number(in, ':', size) || size > in.size())
    return false;
  out.assign(in.data(), size);
  in.remove_prefix(size);
  return true;
}

} // namespace

key_layout::key_layout(std::string prefix, std::string owner)
    : prefix_(std::move(prefix)), owner_(std::move(owner)) {}

std::string key_layout::of(const name_space& ns) const {
  auto result = names();
  if (ns.is_test()) {
    result += 't';
    append_field(result, owner_);
    result += std::to_string(ns.ref);
  } else {
    result += 'p';
  }
  result += '/';
  return result;
}

std::string key_layout::of(const registry_key& key) const {
  auto result = of(key.ns);
  append_field(result, key.service.kind);
  append_field(result, key.service.name);
  return result;
}

caf::optional<registry_key>
key_layout::parse(const std::string& etcd_key) const {
  auto start = names();
  if (etcd_key.compare(0, start.size(), start) != 0)
    return caf::none;
  std::string_view in{etcd_key};
  in.remove_prefix(start.size());
  registry_key result;
  if (in.size() >= 2 && in[0] == 'p' && in[1] == '/') {
    in.remove_prefix(2);
  } else if (!in.empty() && in[0] == 't') {
    in.remove_prefix(1);
    std::string owner;
    uint64_t ref = 0;
    if (!take_field(in, owner) || owner != owner_ || !take_number(in, '/', ref))
      return caf::none;
    result.ns = name_space::test(ref);
  } else {
    return caf::none;
  }
  if (!take_field(in, result.service.kind) ||
      !take_field(in, result.service.name) || !in.empty())
    return caf::none;
  return result;
}

} // namespace libregistry::etcd::detail
