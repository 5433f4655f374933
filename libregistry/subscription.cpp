#include <libregistry/subscription.hpp>

#include <utility>

#include <caf/config_value.hpp>

namespace libregistry {

bool operator==(const field_condition& x, const field_condition& y) {
  return x.field == y.field && x.value == y.value;
}

subscription subscription::to_namespace(name_space ns) {
  return {ns, caf::none, caf::none};
}

subscription subscription::to_name(const registry_key& key) {
  return {key.ns, key.service, caf::none};
}

subscription subscription::to_field(name_space ns, std::string field,
                                    metadata_value value) {
  return {ns, caf::none, field_condition{std::move(field), std::move(value)}};
}

bool subscription::covers(const registry_key& key, const metadata& meta) const {
  return key.ns == ns && (!name || *name == key.service) &&
         (!condition ||
          field_matches(meta, condition->field, condition->value));
}

bool operator==(const subscription& x, const subscription& y) {
  return x.ns == y.ns && x.name == y.name && x.condition == y.condition;
}

std::string to_string(const subscription& x) {
  auto result = to_string(x.ns);
  if (x.name)
    result += "/" + to_string(*x.name);
  if (x.condition)
    result += " where " + x.condition->field + " = " +
              caf::to_string(x.condition->value);
  return result;
}

} // namespace libregistry
