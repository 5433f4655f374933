#include <libregistry/option_reader.hpp>

#include <algorithm>
#include <cstring>
#include <utility>

#include <libregistry/errors.hpp>

namespace libregistry {

namespace {

/// `name` as CAF's settings take it (a plain `const char*` converts only
/// with GCC, see caf/string_view.hpp).
caf::string_view key(const char* name) {
  return {name, std::strlen(name)};
}

} // namespace

option_reader::option_reader(const caf::settings& options, std::string scope)
    : options_(options), scope_(std::move(scope)) {
  // nop
}

caf::expected<int64_t> option_reader::integer(const char* name,
                                              int64_t fallback, int64_t min,
                                              int64_t max) const {
  auto value = caf::get_if(&options_, key(name));
  if (value == nullptr)
    return fallback;
  auto x = caf::get_if<int64_t>(value);
  if (x == nullptr || *x < min || *x > max)
    return refuse(name,
                  "an integer between " + std::to_string(min) + " and " +
                      std::to_string(max),
                  *value);
  return *x;
}

caf::expected<caf::timespan>
option_reader::timespan(const char* name, caf::timespan fallback) const {
  auto value = caf::get_if(&options_, key(name));
  if (value == nullptr)
    return fallback;
  auto x = caf::get_if<caf::timespan>(value);
  if (x == nullptr || x->count() <= 0)
    return refuse(name, "a positive duration such as 2s", *value);
  return *x;
}

caf::expected<std::string> option_reader::text(const char* name,
                                               std::string fallback) const {
  auto value = caf::get_if(&options_, key(name));
  if (value == nullptr)
    return fallback;
  auto x = caf::get_if<std::string>(value);
  if (x == nullptr || x->empty())
    return refuse(name, "a non-empty string", *value);
  return *x;
}

caf::expected<std::string>
option_reader::choice(const char* name, std::string fallback,
                      std::initializer_list<const char*> choices) const {
  auto value = caf::get_if(&options_, key(name));
  if (value == nullptr)
    return fallback;
  std::string must;
  for (auto choice : choices)
    must += (must.empty() ? "\"" : " or \"") + std::string{choice} + "\"";
  auto x = caf::get_if<std::string>(value);
  if (x == nullptr ||
      std::none_of(choices.begin(), choices.end(),
                   [&](const char* choice) { return *x == choice; }))
    return refuse(name, must, *value);
  return *x;
}

caf::error option_reader::refuse(const char* name, const std::string& must,
                                 const caf::config_value& got) const {
  return refuse(name, "must be " + must + ", got " + to_string(got));
}

caf::error option_reader::refuse(const char* name,
                                 const std::string& why) const {
  return make_error(registry_errc::invalid_option,
                    scope_ + "." + name + " " + why);
}

} // namespace libregistry
