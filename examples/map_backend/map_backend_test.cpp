// The conformance kit over map_backend: every rule every backend obeys.

#include <libregistry/testing/conformance.hpp>

#include "map_backend.hpp"

using libregistry::conformance::backend_conformance;

INSTANTIATE_TEST_SUITE_P(
    map, backend_conformance,
    libregistry::conformance::cases_for<map_backend>("map"));
