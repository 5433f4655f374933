// Fuzz target: an answer of etcd's JSON gateway, as etcd_client reads it
// (backends/etcd/detail/gateway_json.hpp). The bytes are the body of an
// HTTP answer; it is read as each kind of answer the client asks for.
// Properties: nothing throws; a refused body is `unavailable` or
// `backend_error` with a reason; bytes decoded from base64 encode back.

#include <absl/strings/escaping.h>
#include <nlohmann/json.hpp>

#include <libregistry/backends/etcd/detail/gateway_json.hpp>

#include "fuzz_check.hpp"

using namespace libregistry;
using namespace libregistry::etcd::detail;
using json = nlohmann::json;

namespace {

/// A key-value read back from its own base64 encoding is itself.
void check_key_value(const key_value& kv) {
  json again{{"key", absl::Base64Escape(kv.key)},
             {"value", absl::Base64Escape(kv.value)},
             {"create_revision", std::to_string(kv.create_revision)},
             {"mod_revision", std::to_string(kv.mod_revision)},
             {"lease", std::to_string(kv.lease)}};
  auto y = to_key_value(again);
  FUZZ_CHECK(y.key == kv.key && y.value == kv.value &&
             y.create_revision == kv.create_revision &&
             y.mod_revision == kv.mod_revision && y.lease == kv.lease);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = fuzz::bytes_of(data, size);
  bool transient = false;
  auto answer =
      parse_answer("http://127.0.0.1:2379/v3/kv/range", body, transient);
  if (!answer) {
    FUZZ_CHECK(fuzz::is_registry_error(
        answer.error(),
        transient ? registry_errc::unavailable : registry_errc::backend_error));
    return 0;
  }
  FUZZ_CHECK(answer->is_object() && !answer->contains("error"));
  auto range = range_answer(*answer);
  FUZZ_CHECK(range.kvs.size() <= body.size());
  for (auto& kv : range.kvs)
    check_key_value(kv);
  auto created = create_answer(*answer, "value", 42);
  check_key_value(created.holder);
  if (!bool_field(*answer, "succeeded"))
    FUZZ_CHECK(created.created ==
               (created.holder.value == "value" && created.holder.lease == 42));
  std::vector<create_op> ops{{"a", "value", 42}, {"b", "value", 0}};
  auto batch = create_all_answer(*answer, ops);
  if (batch) {
    FUZZ_CHECK(batch->size() == ops.size());
    for (auto& x : *batch) {
      check_key_value(x.holder);
      FUZZ_CHECK(x.revision == header_revision(*answer));
    }
  } else {
    FUZZ_CHECK(
        fuzz::is_registry_error(batch.error(), registry_errc::backend_error));
  }
  auto revision = txn_answer(*answer);
  FUZZ_CHECK(revision == 0 || revision == header_revision(*answer));
  auto lease = grant_answer(*answer);
  FUZZ_CHECK(lease ? lease->id != 0 && lease->ttl.count() > 0
                   : fuzz::is_registry_error(lease.error(),
                                             registry_errc::backend_error));
  static_cast<void>(keep_alive_answer(*answer));
  static_cast<void>(int_field(*answer, "deleted"));
  auto status = status_answer(*answer, "http://127.0.0.1:2379");
  FUZZ_CHECK(status.endpoint == "http://127.0.0.1:2379");
  return 0;
}
