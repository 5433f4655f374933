#include <libregistry/log.hpp>

namespace libregistry {

std::string to_string(log_level x) {
  switch (x) {
  case log_level::debug:
    return "debug";
  case log_level::info:
    return "info";
  case log_level::warning:
    return "warning";
  case log_level::error:
    return "error";
  }
  return "unknown";
}

void logger::write(const log_record& x) const noexcept {
  if (!enabled(x.level))
    return;
  try {
    sink_(x);
  } catch (...) {
    // A failing sink loses its record, never the registry's work.
  }
}

} // namespace libregistry
