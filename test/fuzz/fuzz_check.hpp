#pragma once

// What every fuzz target of test/fuzz/ shares: a property check that
// aborts (a finding for libFuzzer), and the registry's error codes.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <caf/error.hpp>

#include <libregistry/errors.hpp>

/// Aborts with the failed condition and where, so libFuzzer saves the input.
#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                     \
      std::abort();                                                            \
    }                                                                          \
  } while (false)

namespace libregistry::fuzz {

/// True if `err` is the registry's error `code` with a non-empty text.
inline bool is_registry_error(const caf::error& err, registry_errc code) {
  auto reason = reason_of(err);
  return err.category() == registry_error_category &&
         err.code() == static_cast<uint8_t>(code) && reason && !reason->empty();
}

/// The bytes of a libFuzzer input.
inline std::string bytes_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

} // namespace libregistry::fuzz
