#include <libregistry/errors.hpp>

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>

#include <ostream>

namespace libregistry {

std::string to_string(registry_errc x) {
  switch (x) {
  case registry_errc::already_registered:
    return "already_registered";
  case registry_errc::not_found:
    return "not_found";
  case registry_errc::invalid_actor:
    return "invalid_actor";
  case registry_errc::process_not_alive:
    return "process_not_alive";
  case registry_errc::invalid_metadata:
    return "invalid_metadata";
  case registry_errc::invalid_key:
    return "invalid_key";
  case registry_errc::invalid_namespace:
    return "invalid_namespace";
  case registry_errc::unknown_backend:
    return "unknown_backend";
  case registry_errc::backend_error:
    return "backend_error";
  case registry_errc::unsupported:
    return "unsupported";
  case registry_errc::unavailable:
    return "unavailable";
  case registry_errc::callback_failed:
    return "callback_failed";
  case registry_errc::invalid_option:
    return "invalid_option";
  case registry_errc::interface_mismatch:
    return "interface_mismatch";
  case registry_errc::limit_reached:
    return "limit_reached";
  case registry_errc::holder_unreachable:
    return "holder_unreachable";
  case registry_errc::access_denied:
    return "access_denied";
  }
  return "unknown_error";
}

std::string detail::to_string(const error_name& x) {
  return libregistry::to_string(x.code);
}

namespace {

constexpr uint8_t code_of(registry_errc x) {
  return static_cast<uint8_t>(x);
}

/// True if `x` is the registry error `code` with the context `code, Ts...`.
template <class... Ts>
bool has_context(const caf::error& x, registry_errc code) {
  return x.category() == registry_error_category && x.code() == code_of(code) &&
         x.context().match_elements<detail::error_name, Ts...>();
}

/// The registry error `x` with the context `x, xs...`.
template <class... Ts>
caf::error with_context(registry_errc x, Ts&&... xs) {
  return {code_of(x), registry_error_category,
          caf::make_message(detail::error_name{x}, std::forward<Ts>(xs)...)};
}

} // namespace

caf::error make_error(registry_errc x) {
  return with_context(x);
}

caf::error make_error(registry_errc x, std::string what) {
  return with_context(x, std::move(what));
}

caf::error make_invalid_namespace(const name_space& ns, std::string what) {
  return with_context(registry_errc::invalid_namespace, ns, std::move(what));
}

caf::error make_unknown_namespace(const name_space& ns) {
  return make_invalid_namespace(ns, "not in this registry");
}

caf::error check_new_namespace(const name_space& ns, bool exists) {
  if (!ns.is_test())
    return make_invalid_namespace(ns, "not a test namespace");
  if (exists)
    return make_invalid_namespace(ns, "exists already");
  return caf::none;
}

caf::error make_already_registered(registry_key key, caf::actor holder) {
  return with_context(registry_errc::already_registered, std::move(key),
                      std::move(holder));
}

caf::error make_holder_unreachable(registry_key key, std::string holder,
                                   std::string why) {
  return with_context(registry_errc::holder_unreachable, std::move(key),
                      std::move(holder), std::move(why));
}

caf::actor holder_of(const caf::error& x) {
  if (has_context<registry_key, caf::actor>(x,
                                            registry_errc::already_registered))
    return x.context().get_as<caf::actor>(2);
  return nullptr;
}

caf::optional<registry_key> key_of(const caf::error& x) {
  if (has_context<registry_key, caf::actor>(
          x, registry_errc::already_registered) ||
      has_context<registry_key, std::string, std::string>(
          x, registry_errc::holder_unreachable))
    return x.context().get_as<registry_key>(1);
  return caf::none;
}

caf::optional<std::string> reason_of(const caf::error& x) {
  if (x.category() != registry_error_category)
    return caf::none;
  auto& ctx = x.context();
  for (size_t i = 0; i < ctx.size(); ++i)
    if (ctx.match_element<std::string>(i))
      return ctx.get_as<std::string>(i);
  return caf::none;
}

namespace {

/// The context element `i` for humans: text as is, an actor as its id.
std::string render_element(const caf::message& context, size_t i) {
  if (context.match_element<std::string>(i))
    return context.get_as<std::string>(i);
  if (context.match_element<caf::actor>(i)) {
    auto& who = context.get_as<caf::actor>(i);
    return who ? "actor " + std::to_string(who.id()) : "no actor";
  }
  return context.stringify(i);
}

} // namespace

std::string render_registry_error(uint8_t code, const caf::message& context) {
  auto result = "registry_error(" + to_string(static_cast<registry_errc>(code));
  auto first = context.match_element<detail::error_name>(0) ? 1u : 0u;
  for (auto i = size_t{first}; i < context.size(); ++i)
    result += ", " + render_element(context, i);
  result += ")";
  return result;
}

void add_registry_error_category(caf::actor_system_config& cfg) {
  cfg.add_error_category(
      registry_error_category,
      [](uint8_t code, caf::atom_value, const caf::message& context) {
        return render_registry_error(code, context);
      });
}

} // namespace libregistry

namespace caf {

void PrintTo(const error& x, std::ostream* os) {
  if (x.category() == libregistry::registry_error_category)
    *os << libregistry::render_registry_error(x.code(), x.context());
  else
    *os << to_string(x);
}

} // namespace caf
