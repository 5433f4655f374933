#pragma once

#include <caf/error.hpp>

#include <libregistry/backends/etcd/detail/etcd_client.hpp>

namespace libregistry::etcd::detail {

/// The error of a write to a node that was closed: `unavailable`.
caf::error backend_closed();

/// Whether a write that `client` made and that failed with `err` may still
/// have been applied: etcd did not answer, after the request reached it.
bool in_doubt_after(const caf::error& err, const etcd_client& client);

/// `err`, the error of a write that `client` made; an `unavailable` one
/// says whether the write's outcome is in doubt (it reached etcd, which may
/// have applied it, and `then` says what follows) or not (nothing reached
/// etcd).
caf::error say_if_in_doubt(caf::error err, const etcd_client& client,
                           const char* then = "");

} // namespace libregistry::etcd::detail
