#include <libregistry/limits.hpp>

#include <libregistry/errors.hpp>

namespace libregistry {

caf::error check_key(const registry_key& key, const registry_limits& limits) {
  auto& svc = key.service;
  if (svc.name.empty())
    return make_error(registry_errc::invalid_key, "empty service name");
  if (svc.name.size() > limits.max_name_length)
    return make_error(registry_errc::invalid_key,
                      "service name longer than " +
                          std::to_string(limits.max_name_length) + " bytes");
  if (svc.kind.size() > limits.max_name_length)
    return make_error(registry_errc::invalid_key,
                      "service kind longer than " +
                          std::to_string(limits.max_name_length) + " bytes");
  return caf::none;
}

caf::error check_metadata(const metadata& meta, const registry_limits& limits) {
  if (has_infinity(meta))
    return make_error(registry_errc::invalid_metadata,
                      "metadata holds an infinite number, which cannot be "
                      "serialized");
  auto size = serialized_size(meta);
  if (size > limits.max_metadata_bytes)
    return make_error(registry_errc::invalid_metadata,
                      "metadata of " + std::to_string(size) +
                          " bytes exceeds the limit of " +
                          std::to_string(limits.max_metadata_bytes));
  return caf::none;
}

} // namespace libregistry
