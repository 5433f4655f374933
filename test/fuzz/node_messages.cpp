// Fuzz target: what another node sends, in CAF's binary serialization as
// its io module (BASP) carries it. The first byte picks what the rest is:
//  0: a registry_key        1: metadata        2: an entry
//  3: a registry_event (what a remote listener receives)
//  4: a whole caf::message, as BASP deserializes a payload: the node
//     agent's `resolve` request and its answer (an actor handle), registry
//     events, anything of CAF's own types
// The bytes are read with an actor system as the deserializer's context, as
// CAF does, so actor handles resolve (without the io module, a handle of
// another node is refused with an error rather than becoming a proxy).
// Properties: nothing throws; whatever decodes encodes to bytes that decode
// to the same bytes again (a fixed point after one round), except for the
// infinite numbers CAF cannot encode (`encodable`); metadata's
// serialized size is the bytes it takes, and each of its fields matches
// itself by `field_matches`.

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>
#include <caf/scoped_execution_unit.hpp>

#include <libregistry/entry.hpp>
#include <libregistry/event.hpp>
#include <libregistry/key.hpp>
#include <libregistry/limits.hpp>
#include <libregistry/metadata.hpp>

#include "fuzz_check.hpp"

using namespace libregistry;

namespace {

/// The actor system whose context the bytes are read in; made once and
/// never destroyed (libFuzzer exits without unwinding).
caf::execution_unit* context() {
  static caf::execution_unit* result = [] {
    auto cfg = new caf::actor_system_config;
    add_registry_event_type(*cfg);
    add_registry_error_category(*cfg);
    cfg->set("scheduler.max-threads", 1);
    auto sys = new caf::actor_system{*cfg};
    return new caf::scoped_execution_unit{sys};
  }();
  return result;
}

template <class T>
std::vector<char> encode(T& x) {
  std::vector<char> buf;
  caf::binary_serializer sink{context(), buf};
  FUZZ_CHECK(!sink(x));
  return buf;
}

/// Whether CAF 0.17 can encode `x`. Its encoder never ends on an infinite
/// float or double (`detail::pack754` halves the number until it is below
/// 2), while its decoder makes infinity of some bit patterns. CAF renders
/// such a number as `inf`, so a message whose text holds `inf` stays out of
/// the round trip; a string that holds it too only narrows the check.
bool encodable(const caf::message& x) {
  return caf::to_string(x).find("inf") == std::string::npos;
}

/// Decodes a `T` from `bytes`; on success, checks the round trip of what
/// CAF can encode.
template <class T>
bool decode(const std::string& bytes, T& x) {
  caf::binary_deserializer source{context(), bytes.data(), bytes.size()};
  if (source(x))
    return false;
  if constexpr (std::is_same_v<T, caf::message>)
    if (!encodable(x))
      return true;
  auto once = encode(x);
  T y;
  caf::binary_deserializer again{context(), once.data(), once.size()};
  FUZZ_CHECK(!again(y));
  FUZZ_CHECK(again.remaining() == 0);
  FUZZ_CHECK(encode(y) == once);
  return true;
}

void check_metadata(const metadata& meta) {
  auto bytes = encode(const_cast<metadata&>(meta));
  FUZZ_CHECK(serialized_size(meta) == bytes.size());
  static_cast<void>(heap_bytes(meta));
  static_cast<void>(allocated_bytes(meta));
  static_cast<void>(libregistry::check_metadata(meta, registry_limits{}));
  static_cast<void>(caf::to_string(meta));
  for (auto& [key, value] : meta)
    if (value == value) // NaN is not equal to itself
      FUZZ_CHECK(field_matches(meta, key, value));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto bytes = fuzz::bytes_of(data + 1, size - 1);
  switch (data[0] % 5) {
  case 0: {
    registry_key x;
    if (decode(bytes, x))
      static_cast<void>(check_key(x, registry_limits{}));
    break;
  }
  case 1: {
    metadata x;
    if (decode(bytes, x))
      check_metadata(x);
    break;
  }
  case 2: {
    entry x;
    if (decode(bytes, x))
      check_metadata(x.meta);
    break;
  }
  case 3: {
    registry_event x;
    if (decode(bytes, x)) {
      check_metadata(x.meta);
      static_cast<void>(to_string(x.kind));
    }
    break;
  }
  default: {
    caf::message x;
    if (decode(bytes, x))
      static_cast<void>(caf::to_string(x));
  }
  }
  return 0;
}
