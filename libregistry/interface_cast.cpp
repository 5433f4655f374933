#include <libregistry/interface_cast.hpp>

#include <algorithm>
#include <iterator>
#include <vector>

#include <libregistry/errors.hpp>

namespace libregistry::detail {

caf::error make_interface_mismatch(const std::set<std::string>& wanted,
                                   const std::set<std::string>& offered) {
  if (offered.empty())
    return make_error(registry_errc::interface_mismatch,
                      "a dynamically typed actor has no typed interface");
  std::vector<std::string> missing;
  std::set_difference(wanted.begin(), wanted.end(), offered.begin(),
                      offered.end(), std::back_inserter(missing));
  std::string what = "the actor lacks";
  for (auto& x : missing)
    what += " " + x;
  return make_error(registry_errc::interface_mismatch, std::move(what));
}

} // namespace libregistry::detail
