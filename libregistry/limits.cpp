#include <libregistry/limits.hpp>

#include <string>
#include <vector>

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

namespace {

/// A map or list still to look into, and how deep it sits (the metadata's
/// own map at 1).
struct pending {
  const metadata_value* value;
  size_t depth;
};

caf::error too_deep(const registry_limits& limits) {
  return make_error(registry_errc::invalid_metadata,
                    "metadata nested deeper than the limit max-metadata-depth "
                    "= " +
                        std::to_string(limits.max_metadata_depth));
}

caf::error too_long(size_t n, const registry_limits& limits) {
  return make_error(registry_errc::invalid_metadata,
                    "a metadata list or map of " + std::to_string(n) +
                        " elements exceeds the limit max-metadata-list-length "
                        "= " +
                        std::to_string(limits.max_metadata_list_length));
}

bool nests(const metadata_value& x) {
  return caf::holds_alternative<metadata_value::list>(x) ||
         caf::holds_alternative<metadata_value::dictionary>(x);
}

/// Checks the maps and lists of `todo` and everything they hold, with an
/// explicit stack: a value nested a million deep costs no call depth, and
/// the walk stops at the first map or list past a limit, so the stack never
/// holds more than `max_metadata_depth` times `max_metadata_list_length`
/// entries.
caf::error check_shape(std::vector<pending> todo,
                       const registry_limits& limits) {
  while (!todo.empty()) {
    auto [value, depth] = todo.back();
    todo.pop_back();
    if (depth > limits.max_metadata_depth)
      return too_deep(limits);
    if (auto xs = caf::get_if<metadata_value::list>(value)) {
      if (xs->size() > limits.max_metadata_list_length)
        return too_long(xs->size(), limits);
      for (auto& x : *xs)
        if (nests(x))
          todo.push_back({&x, depth + 1});
    } else if (auto m = caf::get_if<metadata_value::dictionary>(value)) {
      if (m->size() > limits.max_metadata_list_length)
        return too_long(m->size(), limits);
      for (auto& [key, x] : *m)
        if (nests(x))
          todo.push_back({&x, depth + 1});
    }
  }
  return caf::none;
}

} // namespace

caf::error check_metadata(const metadata& meta, const registry_limits& limits) {
  if (limits.max_metadata_depth == 0)
    return too_deep(limits);
  if (meta.size() > limits.max_metadata_list_length)
    return too_long(meta.size(), limits);
  std::vector<pending> todo;
  for (auto& [key, x] : meta)
    if (nests(x))
      todo.push_back({&x, 2});
  if (auto err = check_shape(std::move(todo), limits))
    return err;
  // `serialized_size` walks the metadata once and answers the largest
  // size for one that holds an infinity, which only then is looked for.
  auto size = serialized_size(meta);
  if (size == static_cast<size_t>(-1) && has_infinity(meta))
    return make_error(registry_errc::invalid_metadata,
                      "metadata holds an infinite number, which cannot be "
                      "serialized");
  if (size > limits.max_metadata_bytes)
    return make_error(registry_errc::invalid_metadata,
                      "metadata of " + std::to_string(size) +
                          " bytes exceeds the limit of " +
                          std::to_string(limits.max_metadata_bytes));
  return caf::none;
}

caf::error check_metadata_value(const metadata_value& value,
                                const registry_limits& limits) {
  // A field's value sits in the metadata's own map: a list or map there is
  // at depth 2.
  if (!nests(value))
    return caf::none;
  return check_shape({{&value, 2}}, limits);
}

} // namespace libregistry
