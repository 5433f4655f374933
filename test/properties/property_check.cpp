#include "property_check.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

namespace libregistry::properties {

int sequences_for(const std::string& backend) {
  if (backend == "etcd")
    if (auto n = std::getenv("LIBREGISTRY_ETCD_SEQUENCES"))
      return std::atoi(n);
  return rc::detail::configuration().testParams.maxSuccess;
}

void check_property(const rc::detail::Property& property, int sequences) {
  auto info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata meta;
  meta.id = std::string{info->test_suite_name()} + "." + info->name();
  meta.description = meta.id;
  auto params = rc::detail::configuration().testParams;
  params.maxSuccess = sequences;
  auto start = std::chrono::steady_clock::now();
  auto result = rc::detail::checkProperty(property, meta, params);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (result.is<rc::detail::SuccessResult>()) {
    std::cout << "[ property ] " << meta.id << ": "
              << result.get<rc::detail::SuccessResult>().numSuccess
              << " sequences passed in " << took.count() << " s" << std::endl;
    return;
  }
  std::ostringstream report;
  rc::detail::printResultMessage(result, report);
  ADD_FAILURE() << report.str();
}

} // namespace libregistry::properties
