#pragma once

#include <string>

#include <caf/config_value.hpp>
#include <caf/optional.hpp>
#include <caf/parser_state.hpp>
#include <caf/pec.hpp>

namespace libregistry {

/// The declared type of an option whose value CAF keeps whatever its type,
/// for `option_reader` to check. Declare options with it
/// (`group.add<checked_option<int64_t>>("shards", "...")`): CAF 0.17 drops a
/// declared option of the wrong type from a configuration file without a
/// word, so the default would silently replace `shards = "many"`; declared
/// this way the value stays and the registry refuses it by name. The help
/// text shows `T`'s type name, and a command-line value is parsed as a `T`
/// when it is one, else kept as text.
template <class T>
struct checked_option {
  caf::config_value value;
};

} // namespace libregistry

namespace caf {

/// Accepts any value for a `checked_option<T>`; see there.
template <class T>
struct config_value_access<libregistry::checked_option<T>> {
  using option = libregistry::checked_option<T>;
  using typed = select_config_value_access_t<T>;

  static std::string type_name() { return typed::type_name(); }

  static bool is(const config_value&) { return true; }

  static optional<option> get_if(const config_value* x) { return option{*x}; }

  static option get(const config_value& x) { return option{x}; }

  static config_value convert(const option& x) { return x.value; }

  template <class Nested>
  static void parse_cli(string_parser_state& ps, option& x, Nested nested) {
    auto first = ps.i;
    T value{};
    typed::parse_cli(ps, value, nested);
    if (ps.code == pec::success && ps.at_end()) {
      x.value = config_value{typed::convert(value)};
      return;
    }
    x.value = config_value{std::string{first, ps.e}};
    ps.i = ps.e;
    ps.code = pec::success;
  }
};

} // namespace caf
