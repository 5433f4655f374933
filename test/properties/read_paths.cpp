// Every read path against the model: direct reads, requests from an actor,
// and the blocking client, for each name of the pool and for the namespace.

#include <algorithm>
#include <chrono>

#include <caf/scoped_actor.hpp>

#include "registry_under_test.hpp"

namespace libregistry::properties {

namespace {

using namespace std::chrono_literals;

/// The value of `x`, or a failure naming `what` and the error.
template <class T>
T value_of(const std::string& what, caf::expected<T> x) {
  if (!x)
    fail(what + ": " + caf::to_string(x.error()));
  return std::move(*x);
}

caf::optional<registration> held(const registry_model& m,
                                 const std::string& name) {
  if (auto r = m.find(name))
    return *r;
  return caf::none;
}

caf::optional<registration> to_model(registry_under_test& sut,
                                     const caf::optional<entry>& e) {
  if (!e)
    return caf::none;
  return sut.to_model(*e);
}

/// The direct read path: no message.
void check_direct(registry_under_test& sut, const registry_model& m,
                  const std::string& name) {
  auto want = held(m, name);
  auto k = sut.key(name);
  auto what = "direct lookup of " + name;
  expect_equal(what, sut.index_of(sut.reg().lookup(k)),
               want ? want->actor : no_actor);
  expect_equal(what + " with metadata",
               to_model(sut, sut.reg().lookup_with_metadata(k)), want);
  std::vector<registration> members;
  if (want)
    members.push_back(*want);
  expect_equal("direct members of " + name, sut.to_model(sut.reg().members(k)),
               members);
}

/// Requests from an actor, as an actor asks the registry.
void check_messages(registry_under_test& sut, caf::scoped_actor& self,
                    const registry_model& m, const std::string& name) {
  auto want = held(m, name);
  caf::actor found;
  caf::optional<entry> with_meta;
  auto failed = [&](caf::error& err) {
    fail("lookup of " + name + " by message: " + caf::to_string(err));
  };
  auto reg = sut.reg().actor();
  self->request(reg, 5s, lookup_atom::value, sut.key(name))
      .receive([&](caf::actor& x) { found = std::move(x); }, failed);
  self->request(reg, 5s, lookup_with_metadata_atom::value, sut.key(name))
      .receive([&](caf::optional<entry>& x) { with_meta = std::move(x); },
               failed);
  expect_equal("lookup of " + name + " by message", sut.index_of(found),
               want ? want->actor : no_actor);
  expect_equal("lookup of " + name + " with metadata by message",
               to_model(sut, with_meta), want);
}

/// The blocking client, for one name.
void check_blocking(registry_under_test& sut, const registry_model& m,
                    const std::string& name) {
  auto want = held(m, name);
  auto& client = sut.client();
  auto k = sut.key(name);
  auto what = "blocking lookup of " + name;
  expect_equal(what, sut.index_of(value_of(what, client.lookup(k))),
               want ? want->actor : no_actor);
  expect_equal(what + " with metadata",
               to_model(sut, value_of(what, client.lookup_with_metadata(k))),
               want);
  auto meta = value_of(what, client.get_metadata(k));
  expect_equal("blocking get_metadata of " + name, static_cast<bool>(meta),
               static_cast<bool>(want));
  if (meta && !(*meta == want->meta))
    fail("blocking get_metadata of " + name + ": other metadata");
  expect_equal("blocking registered of " + name,
               value_of(what, client.registered(k)), static_cast<bool>(want));
  std::vector<registration> members;
  if (want)
    members.push_back(*want);
  expect_equal("blocking members of " + name,
               sut.to_model(value_of(what, client.members(k))), members);
}

/// The namespace as a whole: list, list with metadata, count, a find.
void check_namespace(registry_under_test& sut, const registry_model& m) {
  auto& client = sut.client();
  auto all = m.select([](const registration&) { return true; });
  std::vector<std::string> want_names;
  for (auto& r : all)
    want_names.push_back(r.name);
  auto names = value_of("list_services", client.list_services(sut.ns()));
  std::vector<std::string> got_names;
  for (auto& n : names)
    got_names.push_back(n.name);
  std::sort(got_names.begin(), got_names.end());
  expect_equal("list_services", got_names, want_names);
  expect_equal(
      "list_services_with_metadata",
      sut.to_model(value_of("list_services_with_metadata",
                            client.list_services_with_metadata(sut.ns()))),
      all);
  expect_equal("count_services",
               value_of("count_services", client.count_services(sut.ns())),
               static_cast<uint64_t>(all.size()));
}

} // namespace

void check_reads(registry_under_test& sut, const registry_model& m) {
  for (auto& name : pool_names()) {
    check_direct(sut, m, name);
    check_messages(sut, sut.asker(), m, name);
    check_blocking(sut, m, name);
  }
  check_namespace(sut, m);
}

} // namespace libregistry::properties
