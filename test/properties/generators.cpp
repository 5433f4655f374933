#include "generators.hpp"

#include <cstdint>
#include <vector>

namespace libregistry::properties {

namespace {

/// The scalar values fields take; index 0 shrinks first.
metadata_value scalar(int i) {
  switch (i) {
  case 0:
    return metadata_value{"x"};
  case 1:
    return metadata_value{"y"};
  case 2:
    return metadata_value{int64_t{1}};
  case 3:
    return metadata_value{1.0};
  case 4:
    return metadata_value{int64_t{0}};
  case 5:
    return metadata_value{0.0};
  case 6:
    return metadata_value{-0.0};
  default:
    return metadata_value{true};
  }
}

} // namespace

rc::Gen<std::string> gen_name() {
  return rc::gen::elementOf(pool_names());
}

rc::Gen<actor_index> gen_actor(const registry_model& m,
                               const std::string& name) {
  auto size = m.alive.size();
  auto newest = size > 4 ? size - 4 : 0;
  auto any = rc::gen::inRange<actor_index>(newest, size);
  if (auto r = m.find(name))
    return rc::gen::oneOf(rc::gen::just(r->actor), any);
  return any;
}

rc::Gen<metadata_value> gen_value() {
  return rc::gen::exec([] {
    auto is_list = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
    if (!is_list)
      return scalar(*rc::gen::inRange(0, 8));
    auto xs = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 8));
    metadata_value::list result;
    for (auto i : xs)
      result.push_back(scalar(i));
    return metadata_value{std::move(result)};
  });
}

rc::Gen<std::string> gen_field() {
  return rc::gen::element<std::string>("role", "n", "tags");
}

rc::Gen<metadata> gen_metadata() {
  return rc::gen::exec([] {
    metadata result;
    for (std::string field : {"role", "n", "tags"})
      if (*rc::gen::arbitrary<bool>())
        result.emplace(field, *gen_value());
    return result;
  });
}

rc::Gen<filter> gen_filter() {
  return rc::gen::exec([] {
    filter result{filter::whole_namespace, {}, {}, {}};
    switch (*rc::gen::inRange(0, 3)) {
    case 1:
      result.kind = filter::one_name;
      result.name = *gen_name();
      break;
    case 2:
      result.kind = filter::one_field;
      result.field = *gen_field();
      result.value = *gen_value();
      break;
    default:
      break;
    }
    return result;
  });
}

} // namespace libregistry::properties
