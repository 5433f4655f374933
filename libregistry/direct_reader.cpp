#include <libregistry/direct_reader.hpp>

namespace libregistry {

direct_reader::~direct_reader() = default;

size_t direct_reader::for_each_member(const registry_key& key,
                                      const member_visitor& f) const {
  auto e = lookup_with_metadata(key);
  if (!e)
    return 0;
  f(e->actor, e->meta);
  return 1;
}

bool direct_reader::scans() const {
  return false;
}

std::vector<entry> direct_reader::scan(const name_space&,
                                       const metadata_filter&) const {
  return {};
}

} // namespace libregistry
