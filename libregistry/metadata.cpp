#include <libregistry/metadata.hpp>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <vector>

#include <caf/binary_serializer.hpp>

#include <libregistry/detail/allocation.hpp>

namespace libregistry {

void PrintTo(const metadata& x, std::ostream* os) {
  *os << caf::to_string(static_cast<const metadata_value::dictionary&>(x));
}

namespace {

metadata_value list_of(std::initializer_list<metadata_literal> xs) {
  metadata_value::list result;
  result.reserve(xs.size());
  for (auto& x : xs)
    result.push_back(x.value);
  return metadata_value{std::move(result)};
}

} // namespace

metadata_literal::metadata_literal(metadata x)
    : value(static_cast<metadata_value::dictionary&&>(x)) {}

metadata_literal::metadata_literal(std::initializer_list<metadata_literal> xs)
    : value(list_of(xs)) {}

metadata::metadata(std::initializer_list<metadata_field> xs) {
  for (auto& x : xs)
    container().emplace(x.key, x.value);
}

namespace {

bool infinite(const metadata_value& x);

bool infinite(const metadata_value::dictionary& xs) {
  for (auto& kv : xs)
    if (infinite(kv.second))
      return true;
  return false;
}

bool infinite(const metadata_value& x) {
  if (auto d = caf::get_if<double>(&x))
    return std::isinf(*d);
  if (auto xs = caf::get_if<metadata_value::list>(&x)) {
    for (auto& y : *xs)
      if (infinite(y))
        return true;
    return false;
  }
  if (auto dict = caf::get_if<metadata_value::dictionary>(&x))
    return infinite(*dict);
  return false;
}

} // namespace

bool has_infinity(const metadata& x) {
  return infinite(static_cast<const metadata_value::dictionary&>(x));
}

namespace {

/// Bytes of the length that CAF 0.17's binary serializer writes before a
/// string or sequence (`serializer_impl::begin_sequence`): the length as a
/// 32-bit varbyte, 7 bits a byte.
size_t length_prefix(size_t n) {
  auto x = static_cast<uint32_t>(n);
  size_t result = 1;
  for (; x > 0x7f; x >>= 7)
    ++result;
  return result;
}

size_t string_size(const std::string& x) {
  return length_prefix(x.size()) + x.size();
}

bool add_wire_size(const metadata_value& x, size_t& total);

bool add_wire_size(const metadata_value::dictionary& xs, size_t& total) {
  total += length_prefix(xs.size());
  for (auto& kv : xs) {
    total += string_size(kv.first);
    if (!add_wire_size(kv.second, total))
      return false;
  }
  return true;
}

/// Adds the bytes `x` takes in CAF 0.17's binary format to `total`, without
/// writing them: the variant's one-byte type tag, then the value (integers,
/// doubles, atoms and timespans 8 bytes, booleans 1, strings and sequences
/// their length prefix and contents). False for a URI, whose layout only
/// the serializer knows, and for an infinite double, which it refuses.
bool add_wire_size(const metadata_value& x, size_t& total) {
  total += 1;
  if (auto str = caf::get_if<std::string>(&x)) {
    total += string_size(*str);
  } else if (auto xs = caf::get_if<metadata_value::list>(&x)) {
    total += length_prefix(xs->size());
    for (auto& y : *xs)
      if (!add_wire_size(y, total))
        return false;
  } else if (auto dict = caf::get_if<metadata_value::dictionary>(&x)) {
    return add_wire_size(*dict, total);
  } else if (caf::holds_alternative<bool>(x)) {
    total += 1;
  } else if (caf::holds_alternative<caf::uri>(x)) {
    return false;
  } else if (auto d = caf::get_if<double>(&x); d && std::isinf(*d)) {
    return false;
  } else {
    total += 8;
  }
  return true;
}

} // namespace

size_t serialized_size(const metadata& x) {
  size_t total = 0;
  if (add_wire_size(static_cast<const metadata_value::dictionary&>(x), total))
    return total;
  if (has_infinity(x))
    return static_cast<size_t>(-1);
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  // Serializers only read; CAF's inspect interface takes non-const refs.
  if (sink(const_cast<metadata&>(x)))
    return static_cast<size_t>(-1);
  return buf.size();
}

namespace {

/// How an allocation of a requested size is counted.
using size_fn = size_t (*)(size_t);

size_t requested(size_t n) {
  return n;
}

size_t bytes_of(const metadata_value::dictionary& x, size_fn size);

size_t value_bytes(const metadata_value& x, size_fn size) {
  if (auto str = caf::get_if<std::string>(&x))
    return size(heap_bytes(*str));
  if (auto xs = caf::get_if<metadata_value::list>(&x)) {
    auto result = size(xs->capacity() * sizeof(metadata_value));
    for (auto& element : *xs)
      result += value_bytes(element, size);
    return result;
  }
  if (auto dict = caf::get_if<metadata_value::dictionary>(&x))
    return bytes_of(*dict, size);
  return 0;
}

size_t bytes_of(const metadata_value::dictionary& x, size_fn size) {
  // A std::map node: four pointer-sized words of bookkeeping plus the pair.
  constexpr size_t node_bytes =
      4 * sizeof(void*) + sizeof(std::pair<std::string, metadata_value>);
  size_t result = 0;
  for (auto& [key, value] : x)
    result +=
        size(node_bytes) + size(heap_bytes(key)) + value_bytes(value, size);
  return result;
}

} // namespace

size_t heap_bytes(const std::string& x) {
  // libstdc++ keeps strings of up to 15 bytes inline.
  return x.capacity() > 15 ? x.capacity() + 1 : 0;
}

size_t heap_bytes(const metadata& x) {
  return bytes_of(x, requested);
}

size_t allocated_bytes(const metadata& x) {
  return bytes_of(x, libregistry::detail::allocation_bytes);
}

namespace {

/// Destroys the values of `todo` one by one, moving what each holds onto
/// `todo` first, so each destructor finds its lists and maps empty.
void dismantle_all(std::vector<metadata_value> todo) {
  while (!todo.empty()) {
    auto x = std::move(todo.back());
    todo.pop_back();
    if (auto xs = caf::get_if<metadata_value::list>(&x)) {
      for (auto& y : *xs)
        todo.push_back(std::move(y));
    } else if (auto m = caf::get_if<metadata_value::dictionary>(&x)) {
      for (auto& [key, y] : *m)
        todo.push_back(std::move(y));
    }
  }
}

} // namespace

void dismantle(metadata& x) {
  std::vector<metadata_value> todo;
  todo.reserve(x.size());
  for (auto& [key, y] : x)
    todo.push_back(std::move(y));
  x.clear();
  dismantle_all(std::move(todo));
}

void dismantle(metadata_value& x) {
  std::vector<metadata_value> todo;
  todo.push_back(std::move(x));
  x = metadata_value{metadata_value::dictionary{}};
  dismantle_all(std::move(todo));
}

bool field_matches(const metadata& meta, const std::string& field,
                   const metadata_value& value) {
  // The map's own find: the dictionary's walks the map.
  auto& fields = meta.container();
  auto i = fields.find(field);
  if (i == fields.end())
    return false;
  if (i->second == value)
    return true;
  if (auto xs = caf::get_if<metadata_value::list>(&i->second))
    for (auto& x : *xs)
      if (x == value)
        return true;
  return false;
}

} // namespace libregistry
