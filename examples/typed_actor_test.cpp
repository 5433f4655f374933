// How a user tests typed actors with libregistry::testing: a cashier finds
// its collaborator, the ledger, by name in the registry, and the tests
// check what it answers. Each test gets its own actor system, registry and
// namespace, so the tests run side by side under `ctest -j`.

#include <chrono>
#include <map>
#include <set>
#include <string>

#include <caf/function_view.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <libregistry/errors.hpp>
#include <libregistry/testing/registry_test.hpp>

using namespace libregistry;
using namespace std::chrono_literals;

namespace {

using post_atom = caf::atom_constant<caf::atom("post")>;
using balance_atom = caf::atom_constant<caf::atom("balance")>;
using charge_atom = caf::atom_constant<caf::atom("charge")>;

/// Keeps a balance per account; answers a posting with the new balance.
using ledger_actor =
    caf::typed_actor<caf::replies_to<post_atom, std::string, int>::with<int>,
                     caf::replies_to<balance_atom, std::string>::with<int>>;

struct ledger_state {
  std::map<std::string, int> balances;
};

ledger_actor::behavior_type
ledger(ledger_actor::stateful_pointer<ledger_state> self) {
  return {
      [=](post_atom, const std::string& account, int amount) {
        return self->state.balances[account] += amount;
      },
      [=](balance_atom, const std::string& account) {
        return self->state.balances[account];
      },
  };
}

/// Charges an account: finds the ledger under `ledger_key` (a direct read of
/// the registry, no round trip, checked to be a ledger) and has it post the
/// debit; answers the new balance, or `not_found` while no ledger is
/// registered.
using cashier_actor =
    caf::typed_actor<caf::replies_to<charge_atom, std::string, int>::with<int>>;

cashier_actor::behavior_type cashier(cashier_actor::pointer self, registry reg,
                                     registry_key ledger_key) {
  return {
      [=](charge_atom, const std::string& account,
          int amount) -> caf::result<int> {
        auto books = reg.lookup<ledger_actor>(ledger_key);
        if (!books)
          return std::move(books.error()); // not a ledger: interface_mismatch
        if (!*books)
          return make_error(registry_errc::not_found, to_string(ledger_key));
        return self->delegate(*books, post_atom::value, account, -amount);
      },
  };
}

class cashier_test : public libregistry::registry_test {
protected:
  /// The namespaces the tests of this process had.
  static std::set<uint64_t>& namespaces_seen() {
    static std::set<uint64_t> refs;
    return refs;
  }

  /// Checks that this test's namespace is new and empty, then charges
  /// through a cashier before and after a ledger is registered there.
  void charge_in_a_namespace_of_its_own() {
    EXPECT_TRUE(namespaces_seen().insert(ns().ref).second)
        << to_string(ns()) << " was an earlier test's";
    EXPECT_EQ(client().registered(key("ledger")), false);
    auto till = spawn_registered("cashier", {}, cashier, reg(), key("ledger"));
    caf::scoped_actor self{sys()};
    self->request(till, 5s, charge_atom::value, "bob", 5)
        .receive([](int) { ADD_FAILURE() << "charged without a ledger"; },
                 [](caf::error& err) {
                   EXPECT_EQ(err, make_error(registry_errc::not_found));
                 });
    spawn_registered("ledger", {}, ledger);
    self->request(till, 5s, charge_atom::value, "bob", 5)
        .receive([](int balance) { EXPECT_EQ(balance, -5); },
                 [&](caf::error& err) { ADD_FAILURE() << sys().render(err); });
  }
};

TEST_F(cashier_test, charges_through_the_ledger_it_finds_by_name) {
  auto books = spawn_registered("ledger", {}, ledger);
  auto till = spawn_registered("cashier", {}, cashier, reg(), key("ledger"));
  ASSERT_TRUE(books && till);
  auto charge = caf::make_function_view(till, caf::duration{5s});
  EXPECT_EQ(charge(charge_atom::value, "alice", 30), -30);
  EXPECT_EQ(charge(charge_atom::value, "alice", 12), -42);
  auto balance = caf::make_function_view(books, caf::duration{5s});
  EXPECT_EQ(balance(balance_atom::value, "alice"), -42);
}

// Two tests register the same names, each in its own namespace: they
// cannot collide, one after the other in one process or at once in two.
TEST_F(cashier_test, one_test_registers_a_ledger) {
  charge_in_a_namespace_of_its_own();
}

TEST_F(cashier_test, another_test_registers_a_ledger_too) {
  charge_in_a_namespace_of_its_own();
}

} // namespace
