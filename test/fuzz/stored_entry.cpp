// Fuzz target: a value read from etcd under the registry's prefix, decoded
// as a registration (backends/etcd/detail/stored_entry.hpp). Anyone who can
// write to etcd can put any bytes there. Properties: nothing throws; bytes
// that are not an entry are `backend_error`; a decoded entry encodes to
// bytes that decode to the same bytes again; the decoded metadata's
// footprint can be taken and its limits checked.

#include <libregistry/backends/etcd/detail/stored_entry.hpp>
#include <libregistry/limits.hpp>

#include "fuzz_check.hpp"

using namespace libregistry;
using namespace libregistry::etcd::detail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bytes = fuzz::bytes_of(data, size);
  auto x = decode(bytes);
  if (!x) {
    FUZZ_CHECK(
        fuzz::is_registry_error(x.error(), registry_errc::backend_error));
    return 0;
  }
  auto again = encode(*x);
  auto y = decode(again);
  FUZZ_CHECK(y);
  FUZZ_CHECK(encode(*y) == again);
  FUZZ_CHECK(y->owner == x->owner && y->actor == x->actor &&
             y->host == x->host && y->port == x->port);
  static_cast<void>(heap_bytes(x->meta));
  static_cast<void>(allocated_bytes(x->meta));
  static_cast<void>(check_metadata(x->meta, registry_limits{}));
  return 0;
}
