#include <libregistry/backends/etcd/detail/stored_entry.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include <nlohmann/json.hpp>

#include <libregistry/backends/etcd/detail/metadata_json.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::etcd::detail {

namespace {

using json = nlohmann::json;

caf::error not_an_entry(const std::string& why) {
  return make_error(registry_errc::backend_error,
                    "etcd holds a value that is not a registration: " + why);
}

/// The field `name` of the object `x`.
caf::expected<const json*> field(const json& x, const char* name) {
  auto i = x.find(name);
  if (i == x.end())
    return not_an_entry(std::string{"no field \""} + name + "\"");
  return &*i;
}

/// The unsigned integer field `name` of `x`, at most `max`.
caf::expected<uint64_t> number(const json& x, const char* name, uint64_t max) {
  auto i = x.find(name);
  if (i == x.end() || !i->is_number_unsigned() || i->get<uint64_t>() > max)
    return not_an_entry(std::string{"no field \""} + name +
                        "\" with an integer from 0 to " + std::to_string(max));
  return i->get<uint64_t>();
}

caf::expected<std::string> text(const json& x, const char* name) {
  auto value = field(x, name);
  if (!value)
    return std::move(value.error());
  return text_from_json(**value, name);
}

/// Refuses `x` unless it is an object with exactly the fields `names`.
caf::error fields(const json& x, std::initializer_list<const char*> names,
                  const char* what) {
  if (!x.is_object())
    return not_an_entry(std::string{what} + " is not a JSON object");
  for (auto& item : x.items())
    if (std::find_if(names.begin(), names.end(), [&](const char* name) {
          return item.key() == name;
        }) == names.end())
      return not_an_entry(std::string{what} + " has an unknown field \"" +
                          item.key() + "\"");
  return caf::none;
}

} // namespace

std::string encode(const stored_entry& x) {
  json value{{"node", text_to_json(x.owner)},
             {"actor", x.actor},
             {"address", {{"host", text_to_json(x.host)}, {"port", x.port}}},
             {"metadata", to_json(x.meta)}};
  return value.dump();
}

caf::expected<stored_entry> decode(const std::string& bytes) {
  auto value = json::parse(bytes, nullptr, false);
  if (value.is_discarded())
    return not_an_entry("not JSON");
  if (auto err =
          fields(value, {"node", "actor", "address", "metadata"}, "the value"))
    return err;
  auto address = field(value, "address");
  if (!address)
    return std::move(address.error());
  if (auto err = fields(**address, {"host", "port"}, "the address"))
    return err;
  auto owner = text(value, "node");
  if (!owner)
    return std::move(owner.error());
  auto actor =
      number(value, "actor", std::numeric_limits<caf::actor_id>::max());
  if (!actor)
    return std::move(actor.error());
  auto host = text(**address, "host");
  if (!host)
    return std::move(host.error());
  auto port = number(**address, "port", std::numeric_limits<uint16_t>::max());
  if (!port)
    return std::move(port.error());
  auto meta = field(value, "metadata");
  if (!meta)
    return std::move(meta.error());
  auto parsed = metadata_from_json(**meta);
  if (!parsed)
    return std::move(parsed.error());
  return stored_entry{std::move(*owner), static_cast<caf::actor_id>(*actor),
                      std::move(*host), static_cast<uint16_t>(*port),
                      std::move(*parsed)};
}

std::string describe(const stored_entry& x) {
  return "actor " + std::to_string(x.actor) + " of node " + x.owner + " at " +
         x.host + ":" + std::to_string(x.port);
}

} // namespace libregistry::etcd::detail
