// A backend that leaves out required operations of the contract. It must
// not compile, and the compiler must name the operation's declaration in
// libregistry/backend.hpp (test/CMakeLists.txt checks both).

#include <libregistry/backends/catalog.hpp>

#include "../../examples/map_backend/map_backend.hpp"

namespace {

/// Everything of map_backend but `register_name`.
struct without_register
    : libregistry::backend_base<without_register, map_state> {
  static caf::expected<map_state> init(const caf::settings& options) {
    return map_backend::init(options);
  }
  static void close(map_state&& st) { map_backend::close(std::move(st)); }
};

} // namespace

int main() {
  return libregistry::register_backend<without_register>("incomplete") ? 1 : 0;
}
