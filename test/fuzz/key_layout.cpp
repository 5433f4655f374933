// Fuzz target: an etcd key under the registry's prefix, parsed as a
// registration key (backends/etcd/detail/key_layout.hpp), and a key laid out
// and parsed back. The first byte picks the mode:
//  0: the rest is a key after the prefix's `n/` (the watch delivers every
//     key of that range, whoever wrote it);
//  1: the rest is a whole key;
//  2: the rest makes a registration key (kind, name, namespace) and a node
//     id, laid out and parsed back.
// Properties: nothing throws; a key that parses is the layout of what it
// parses to (one etcd key per registration key, so no two etcd keys alias
// one registration); layout then parse is the identity.

#include <cstring>

#include <libregistry/backends/etcd/detail/key_layout.hpp>

#include "fuzz_check.hpp"

using namespace libregistry;
using namespace libregistry::etcd::detail;

namespace {

void check_parse(const key_layout& layout, const std::string& etcd_key) {
  auto key = layout.parse(etcd_key);
  if (!key)
    return;
  FUZZ_CHECK(layout.of(*key) == etcd_key);
  FUZZ_CHECK(
      etcd_key.compare(0, layout.of(key->ns).size(), layout.of(key->ns)) == 0);
}

/// Takes the bytes up to the next 0xff (or the end) from the front of `in`.
std::string take(std::string& in) {
  auto end = in.find('\xff');
  auto result = in.substr(0, end);
  in.erase(0, end == std::string::npos ? in.size() : end + 1);
  return result;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  key_layout layout{"/libregistry/", "node-a"};
  auto rest = fuzz::bytes_of(data + 1, size - 1);
  switch (data[0] % 3) {
  case 0:
    check_parse(layout, layout.names() + rest);
    break;
  case 1:
    check_parse(layout, rest);
    break;
  default: {
    registry_key key;
    key.service.kind = take(rest);
    key.service.name = take(rest);
    auto owner = take(rest);
    if (rest.size() >= sizeof(uint64_t)) {
      uint64_t ref = 0;
      std::memcpy(&ref, rest.data(), sizeof ref);
      key.ns = name_space::test(ref);
    }
    key_layout mine{"/p/", owner};
    auto parsed = mine.parse(mine.of(key));
    FUZZ_CHECK(parsed && *parsed == key);
    // Another node does not see this node's test namespaces.
    key_layout other{"/p/", owner + "x"};
    auto seen = other.parse(mine.of(key));
    FUZZ_CHECK(key.ns.is_test() ? !seen : seen && *seen == key);
  }
  }
  return 0;
}
