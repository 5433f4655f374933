#pragma once

#include <utility>

#include <caf/send.hpp>

#include <libregistry/actors/registry.hpp>
#include <libregistry/errors.hpp>

namespace libregistry {

/// Sends `xs` anonymously to the live actor registered under `key`,
/// resolved with a direct read (no round trip). Error: `not_found` if no
/// live actor holds the name; nothing is sent then. Thread-safe.
template <class... Ts>
caf::error send_to_name(const registry& reg, const registry_key& key,
                        Ts&&... xs) {
  auto hdl = reg.lookup(key);
  if (!hdl)
    return make_error(registry_errc::not_found, to_string(key));
  caf::anon_send(hdl, std::forward<Ts>(xs)...);
  return caf::none;
}

/// Like `send_to_name`, with `from` as the sender, so that the receiver
/// can answer it. `from` is any actor handle or pointer, typed or not.
template <class Sender, class... Ts>
caf::error send_to_name_as(const Sender& from, const registry& reg,
                           const registry_key& key, Ts&&... xs) {
  auto hdl = reg.lookup(key);
  if (!hdl)
    return make_error(registry_errc::not_found, to_string(key));
  caf::send_as(caf::actor_cast<caf::actor>(from), hdl, std::forward<Ts>(xs)...);
  return caf::none;
}

} // namespace libregistry
