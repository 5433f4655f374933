#include <libregistry/metrics.hpp>

namespace libregistry {

uint64_t operation_metrics::count(const std::string& outcome) const {
  for (auto& [name, n] : outcomes)
    if (name == outcome)
      return n;
  return 0;
}

const operation_metrics* registry_metrics::find(const std::string& op) const {
  for (auto& x : operations)
    if (x.op == op)
      return &x;
  return nullptr;
}

uint64_t registry_metrics::count(const std::string& op,
                                 const std::string& outcome) const {
  auto x = find(op);
  return x ? x->count(outcome) : 0;
}

} // namespace libregistry
