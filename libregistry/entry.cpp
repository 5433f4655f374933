#include <libregistry/entry.hpp>

#include <ostream>

namespace libregistry {

void PrintTo(const entry& x, std::ostream* os) {
  *os << "entry(" << to_string(x.key) << ", ";
  if (x.actor)
    *os << "actor " << x.actor.id();
  else
    *os << "no actor";
  *os << ", " << caf::to_string(x.meta) << ')';
}

} // namespace libregistry
