#include "libregistry/direct_reader.hpp"

namespace libregistry {

direct_reader::~direct_reader() = default;

} // namespace libregistry
