#pragma once

#include <cstdint>
#include <string>

#include <caf/expected.hpp>
#include <caf/settings.hpp>
#include <caf/timespan.hpp>

namespace libregistry {

/// Reads the options of one scope (a backend's `libregistry.<name>` group,
/// or `libregistry` itself) with one rule for all of them: an absent option
/// takes its default; a present one of the wrong type or out of range is
/// refused with `invalid_option`, whose text names the option as the user
/// writes it, what it must be and what it was, e.g.
/// `ets.shards must be an integer between 1 and 1024, got "many"`. Nothing is
/// ever silently replaced by a default. Cost: one settings lookup per read.
class option_reader {
public:
  /// Reads `options`; `scope` prefixes each option's name in errors.
  option_reader(const caf::settings& options, std::string scope);

  /// The integer `name` within `[min, max]`, or `fallback` if absent.
  caf::expected<int64_t> integer(const char* name, int64_t fallback,
                                 int64_t min, int64_t max) const;

  /// The positive timespan `name`, or `fallback` if absent.
  caf::expected<caf::timespan> timespan(const char* name,
                                        caf::timespan fallback) const;

  /// The non-empty string `name`, or `fallback` if absent.
  caf::expected<std::string> text(const char* name, std::string fallback) const;

  /// The string `name`, which must be one of `choices` (listed for the
  /// error, e.g. `"unique" or "duplicate"`), or `fallback` if absent.
  caf::expected<std::string>
  choice(const char* name, std::string fallback,
         std::initializer_list<const char*> choices) const;

  /// The `invalid_option` error for `name`: it `must` be something, and its
  /// value is `got`.
  caf::error refuse(const char* name, const std::string& must,
                    const caf::config_value& got) const;

  /// The `invalid_option` error for `name` with `why` as the reason.
  caf::error refuse(const char* name, const std::string& why) const;

private:
  const caf::settings& options_;
  std::string scope_;
};

} // namespace libregistry
