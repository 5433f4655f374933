#include <libregistry/errors.hpp>

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>

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
  }
  return "unknown_error";
}

caf::error make_error(registry_errc x) {
  return {static_cast<uint8_t>(x), registry_error_category};
}

caf::error make_error(registry_errc x, std::string what) {
  return {static_cast<uint8_t>(x), registry_error_category,
          caf::make_message(std::move(what))};
}

caf::error make_unknown_namespace(const name_space& ns) {
  return make_error(registry_errc::invalid_namespace,
                    "no namespace " + to_string(ns) + " in this registry");
}

caf::error check_new_namespace(const name_space& ns, bool exists) {
  if (!ns.is_test() || exists)
    return make_error(registry_errc::invalid_namespace,
                      to_string(ns) + " exists already");
  return caf::none;
}

caf::error make_already_registered(caf::actor holder) {
  return {static_cast<uint8_t>(registry_errc::already_registered),
          registry_error_category, caf::make_message(std::move(holder))};
}

caf::actor holder_of(const caf::error& x) {
  if (x.category() != registry_error_category ||
      x.code() != static_cast<uint8_t>(registry_errc::already_registered))
    return nullptr;
  auto& ctx = x.context();
  if (ctx.match_elements<caf::actor>())
    return ctx.get_as<caf::actor>(0);
  return nullptr;
}

std::string render_registry_error(uint8_t code, const caf::message& context) {
  auto result = "registry_error(" + to_string(static_cast<registry_errc>(code));
  if (context.match_elements<std::string>())
    result += ", " + context.get_as<std::string>(0);
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
