#include <libregistry/backends/etcd/detail/metadata_json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include <absl/strings/escaping.h>
#include <caf/atom.hpp>
#include <caf/uri.hpp>

#include <libregistry/errors.hpp>
#include <libregistry/limits.hpp>

namespace libregistry::etcd::detail {

namespace {

using json = nlohmann::json;

/// The prefix of a map key written in base64 because it is not UTF-8.
const std::string base64_key = "$base64:";

caf::error bad(const std::string& what) {
  return make_error(registry_errc::backend_error,
                    "etcd holds metadata that is not a registration's: " +
                        what);
}

/// `x` as JSON text for an error message, cut after 80 characters.
std::string excerpt(const json& x) {
  auto text = x.dump();
  constexpr size_t kept = 80;
  return text.size() <= kept ? text : text.substr(0, kept) + "...";
}

/// True if nlohmann writes `x` as a JSON string: it refuses all but UTF-8.
bool is_utf8(const std::string& x) {
  try {
    static_cast<void>(json(x).dump());
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

/// Whether `x` is a JSON string of base64, decoded into `bytes`.
bool from_base64(const json& x, std::string& bytes) {
  return x.is_string() && absl::Base64Unescape(x.get<std::string>(), &bytes);
}

json tagged(const char* tag, json value) {
  return json::object({{tag, std::move(value)}});
}

std::string key_to_json(const std::string& key) {
  if (!is_utf8(key))
    return base64_key + absl::Base64Escape(key);
  return key.empty() || key[0] != '$' ? key : "$" + key;
}

caf::expected<std::string> key_from_json(const std::string& key) {
  if (key.empty() || key[0] != '$')
    return key;
  if (key.rfind("$$", 0) == 0)
    return key.substr(1);
  std::string bytes;
  if (key.rfind(base64_key, 0) == 0 &&
      absl::Base64Unescape(key.substr(base64_key.size()), &bytes))
    return bytes;
  return bad("the map key " + excerpt(key) +
             " is neither $$-escaped nor $base64:");
}

json value_to_json(const metadata_value& x);

json map_to_json(const metadata_value::dictionary& xs) {
  auto result = json::object();
  for (auto& [key, value] : xs)
    result[key_to_json(key)] = value_to_json(value);
  return result;
}

json value_to_json(const metadata_value& x) {
  if (auto str = caf::get_if<std::string>(&x))
    return text_to_json(*str);
  if (auto i = caf::get_if<int64_t>(&x))
    return *i;
  if (auto d = caf::get_if<double>(&x))
    return std::isnan(*d) ? tagged("$double", "nan") : json(*d);
  if (auto b = caf::get_if<bool>(&x))
    return *b;
  if (auto xs = caf::get_if<metadata_value::list>(&x)) {
    auto result = json::array();
    for (auto& element : *xs)
      result.push_back(value_to_json(element));
    return result;
  }
  if (auto xs = caf::get_if<metadata_value::dictionary>(&x))
    return map_to_json(*xs);
  if (auto a = caf::get_if<caf::atom_value>(&x))
    return tagged("$atom", to_string(*a));
  if (auto t = caf::get_if<caf::timespan>(&x))
    return tagged("$timespan", t->count());
  return tagged("$uri", to_string(caf::get<caf::uri>(x)));
}

caf::expected<metadata_value> value_from_json(const json& x, size_t depth);

caf::expected<metadata_value::dictionary> map_from_json(const json& x,
                                                        size_t depth) {
  metadata_value::dictionary result;
  for (auto& [key, value] : x.items()) {
    auto k = key_from_json(key);
    if (!k)
      return std::move(k.error());
    auto v = value_from_json(value, depth + 1);
    if (!v)
      return std::move(v.error());
    // Unescaped keys need not come in order: a hint, not an append.
    result.container().emplace_hint(result.end(), std::move(*k), std::move(*v));
  }
  return result;
}

caf::expected<metadata_value> typed_from_json(const std::string& tag,
                                              const json& x) {
  auto fail = [&] {
    return bad("no typed value reads {" + excerpt(tag) + ": " + excerpt(x) +
               "}");
  };
  if (tag == "$timespan") {
    if (!x.is_number_integer() ||
        (x.is_number_unsigned() && x.get<uint64_t>() > INT64_MAX))
      return fail();
    return metadata_value{caf::timespan{x.get<int64_t>()}};
  }
  if (!x.is_string())
    return fail();
  auto text = x.get<std::string>();
  if (tag == "$double" && text == "nan")
    return metadata_value{std::numeric_limits<double>::quiet_NaN()};
  if (tag == "$atom") {
    auto atom = caf::atom_from_string(text);
    if (to_string(atom) == text)
      return metadata_value{atom};
  } else if (tag == "$uri") {
    if (auto uri = caf::make_uri(text))
      return metadata_value{std::move(*uri)};
  } else if (std::string bytes; tag == "$bytes" && from_base64(x, bytes)) {
    return metadata_value{std::move(bytes)};
  }
  return fail();
}

/// True if `x` is a typed value: an object of one `$`-key that is not an
/// escaped map key.
bool is_typed(const json& x) {
  if (!x.is_object() || x.size() != 1)
    return false;
  auto& key = x.begin().key();
  return key.rfind('$', 0) == 0 && key.rfind("$$", 0) != 0 &&
         key.rfind(base64_key, 0) != 0;
}

/// `x` as a value that, if it is a list or map, sits `depth` deep (the
/// metadata's own map at 1, as `check_metadata` counts).
caf::expected<metadata_value> value_from_json(const json& x, size_t depth) {
  if (is_typed(x))
    return typed_from_json(x.begin().key(), x.begin().value());
  if ((x.is_array() || x.is_object()) && depth > max_metadata_depth_ceiling)
    return bad("nested deeper than " +
               std::to_string(max_metadata_depth_ceiling));
  switch (x.type()) {
  case json::value_t::string:
    return metadata_value{x.get<std::string>()};
  case json::value_t::boolean:
    return metadata_value{x.get<bool>()};
  case json::value_t::number_integer:
    return metadata_value{x.get<int64_t>()};
  case json::value_t::number_unsigned:
    if (x.get<uint64_t>() > INT64_MAX)
      return bad("the integer " + excerpt(x) + " is beyond int64");
    return metadata_value{x.get<int64_t>()};
  case json::value_t::number_float:
    return metadata_value{x.get<double>()};
  case json::value_t::array: {
    metadata_value::list result;
    result.reserve(x.size());
    for (auto& element : x) {
      auto v = value_from_json(element, depth + 1);
      if (!v)
        return std::move(v.error());
      result.push_back(std::move(*v));
    }
    return metadata_value{std::move(result)};
  }
  case json::value_t::object: {
    auto result = map_from_json(x, depth);
    if (!result)
      return std::move(result.error());
    return metadata_value{std::move(*result)};
  }
  default:
    return bad("a value reads " + excerpt(x));
  }
}

} // namespace

json text_to_json(const std::string& x) {
  if (is_utf8(x))
    return x;
  return tagged("$bytes", absl::Base64Escape(x));
}

caf::expected<std::string> text_from_json(const json& x, const char* what) {
  if (x.is_string())
    return x.get<std::string>();
  std::string bytes;
  if (x.is_object() && x.size() == 1 && x.contains("$bytes") &&
      from_base64(x.at("$bytes"), bytes))
    return bytes;
  return bad(std::string{what} + " is not text: " + excerpt(x));
}

json to_json(const metadata& x) {
  return map_to_json(x);
}

caf::expected<metadata> metadata_from_json(const json& x) {
  if (!x.is_object())
    return bad("metadata is not a JSON object: " + excerpt(x));
  auto result = map_from_json(x, 1);
  if (!result)
    return std::move(result.error());
  return metadata{std::move(*result)};
}

} // namespace libregistry::etcd::detail
