#include <libregistry/backends/etcd/detail/stored_entry.hpp>

#include <exception>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <libregistry/errors.hpp>

namespace libregistry::etcd::detail {

std::string encode(const stored_entry& x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  // Serializing into memory fails only on allocation failure, which throws.
  static_cast<void>(sink(const_cast<stored_entry&>(x)));
  return {buf.begin(), buf.end()};
}

caf::expected<stored_entry> decode(const std::string& bytes) {
  stored_entry result;
  caf::binary_deserializer source{nullptr, bytes.data(), bytes.size()};
  caf::error err;
  try {
    err = source(result);
  } catch (const std::exception& e) { // not CAF's own: none is documented
    err = caf::make_error(caf::sec::invalid_argument, e.what());
  }
  if (err)
    return make_error(registry_errc::backend_error,
                      "etcd holds a value that is not a registration: " +
                          to_string(err));
  if (source.remaining() != 0)
    return make_error(registry_errc::backend_error,
                      "etcd holds a value with trailing bytes");
  return result;
}

std::string describe(const stored_entry& x) {
  return "actor " + std::to_string(x.actor) + " of node " + x.owner + " at " +
         x.host + ":" + std::to_string(x.port);
}

} // namespace libregistry::etcd::detail
