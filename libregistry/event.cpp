#include <libregistry/event.hpp>

#include <caf/actor_system_config.hpp>

namespace libregistry {

std::string to_string(event_kind x) {
  switch (x) {
  case event_kind::registered:
    return "registered";
  case event_kind::unregistered:
    return "unregistered";
  case event_kind::metadata_updated:
    return "metadata_updated";
  case event_kind::terminated:
    return "terminated";
  }
  return "unknown";
}

void add_registry_event_type(caf::actor_system_config& cfg) {
  cfg.add_message_type<registry_event>("libregistry::registry_event");
}

} // namespace libregistry
