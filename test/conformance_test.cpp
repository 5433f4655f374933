// The conformance kit run over every built-in backend, each with the
// options the suite runs it with (an etcd of its own for `etcd`), and over
// the example backend that is defined outside the library (`map`).

#include <libregistry/testing/conformance.hpp>

#include "backend_options.hpp"

namespace {

using libregistry::conformance::backend_case;
using libregistry::conformance::backend_conformance;
using libregistry::conformance::cases;

std::vector<backend_case> suite_cases() {
  std::vector<backend_case> result;
  for (auto& name : libregistry::test::suite_backends())
    result.push_back({name, libregistry::test::backend_options_for(name)});
  return result;
}

std::string name_of(const ::testing::TestParamInfo<backend_case>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(backends, backend_conformance, cases(suite_cases()),
                         name_of);

} // namespace
