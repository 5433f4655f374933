#include <libregistry/health.hpp>

#include <libregistry/liveness.hpp>

namespace libregistry {

std::string to_string(health_status x) {
  switch (x) {
  case health_status::healthy:
    return "healthy";
  case health_status::degraded:
    return "degraded";
  case health_status::unhealthy:
    return "unhealthy";
  }
  return "unknown";
}

health_status status_from_counts(uint64_t alive, uint64_t dead) {
  auto total = alive + dead;
  if (total == 0)
    return health_status::healthy;
  auto ratio = static_cast<double>(dead) / static_cast<double>(total);
  if (ratio < 0.1)
    return health_status::healthy;
  if (ratio < 0.3)
    return health_status::degraded;
  return health_status::unhealthy;
}

void backend_health::count(const caf::actor& who) {
  if (is_terminated(who))
    ++dead;
  else
    ++alive;
}

} // namespace libregistry
