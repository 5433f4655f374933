#include <libregistry/backends/etcd/detail/write_outcome.hpp>

#include <string>

#include <libregistry/errors.hpp>

namespace libregistry::etcd::detail {

caf::error backend_closed() {
  return make_error(registry_errc::unavailable, "etcd: backend closed");
}

bool in_doubt_after(const caf::error& err, const etcd_client& client) {
  return err == make_error(registry_errc::unavailable) &&
         client.last_call_sent();
}

caf::error say_if_in_doubt(caf::error err, const etcd_client& client,
                           const char* then) {
  if (err != make_error(registry_errc::unavailable))
    return err;
  auto reason = reason_of(err).value_or(to_string(err));
  if (in_doubt_after(err, client))
    return make_error(registry_errc::unavailable,
                      reason + "; outcome in doubt: etcd may have applied it" +
                          then);
  return make_error(registry_errc::unavailable,
                    reason + "; not applied: etcd did not receive it");
}

} // namespace libregistry::etcd::detail
