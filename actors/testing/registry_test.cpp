#include <libregistry/testing/registry_test.hpp>

#include <chrono>
#include <unordered_set>

#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/system_messages.hpp>

#include <libregistry/actors/registry_config.hpp>
#include <libregistry/errors.hpp>

namespace libregistry {

namespace {

/// How long a tracked actor may take to terminate after the teardown
/// before it counts as left over.
constexpr auto leftover_grace = std::chrono::milliseconds(500);

/// How long a killed leftover may take to terminate.
constexpr auto kill_grace = std::chrono::seconds(5);

using address_set = std::unordered_set<caf::actor_addr>;

/// A configuration that renders registry errors and declares the registry's
/// options, so that `set` and `parse` accept them.
struct fixture_config : caf::actor_system_config {
  fixture_config() {
    declare_registry_options(custom_options_);
    add_registry_error_category(*this);
  }
};

/// Takes `self`'s down messages until each actor in `running` sent one or
/// `limit` passes; removes those that did.
void await_downs(caf::scoped_actor& self, address_set& running,
                 caf::timespan limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto timed_out = false;
  while (!running.empty() && !timed_out) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= left.zero())
      return;
    self->receive([&](caf::down_msg& msg) { running.erase(msg.source); },
                  caf::after(left) >> [&] { timed_out = true; });
  }
}

bool is_invalid_namespace(const caf::error& err) {
  return err == make_error(registry_errc::invalid_namespace);
}

/// Fails the current test for a refused spawn or registration of `key`.
void report_refusal(caf::actor_system& sys, const char* what,
                    const registry_key& key, const caf::error& err) {
  ADD_FAILURE() << what << "(" << to_string(key)
                << ") refused: " << sys.render(err);
}

} // namespace

void registry_test::SetUp() {
  cfg_ = std::make_unique<fixture_config>();
  configure(*cfg_);
  sys_ = std::make_unique<caf::actor_system>(*cfg_);
  auto reg = spawn_registry(*sys_);
  ASSERT_TRUE(reg) << "spawn_registry failed: " << sys_->render(reg.error());
  reg_ = std::move(*reg);
  client_ = std::make_unique<blocking_registry>(*sys_, reg_);
  auto ns = client_->create_test_namespace();
  ASSERT_TRUE(ns) << "create_test_namespace failed: "
                  << sys_->render(ns.error());
  ns_ = *ns;
}

void registry_test::TearDown() {
  if (client_ && ns_.is_test())
    for (auto& line : check_nothing_left())
      ADD_FAILURE() << "left over after the test: " << line;
  client_.reset();
  stop_registry();
}

void registry_test::configure(caf::actor_system_config&) {}

std::vector<std::string> registry_test::check_nothing_left() {
  auto left = tear_namespace_down();
  auto running = stop_tracked_actors();
  left.insert(left.end(), running.begin(), running.end());
  return left;
}

caf::actor registry_test::spawn_tracked(service_name name, metadata meta,
                                        spawner fn) {
  auto k = key(std::move(name));
  auto spawned = client_->spawn_registered(k, std::move(meta), std::move(fn));
  if (!spawned) {
    report_refusal(*sys_, "spawn_registered", k, spawned.error());
    return nullptr;
  }
  tracked_.push_back({std::move(k), *spawned});
  return *spawned;
}

bool registry_test::register_tracked(service_name name, caf::actor who,
                                     metadata meta) {
  auto k = key(std::move(name));
  if (auto err = client_->register_name(k, who, std::move(meta))) {
    report_refusal(*sys_, "register_actor", k, err);
    return false;
  }
  tracked_.push_back({std::move(k), std::move(who)});
  return true;
}

std::vector<std::string> registry_test::tear_namespace_down() {
  std::vector<std::string> left;
  auto stopped = client_->teardown(ns_);
  if (!stopped && !is_invalid_namespace(stopped.error()))
    left.push_back("the teardown of " + to_string(ns_) +
                   " failed: " + sys_->render(stopped.error()));
  auto names = client_->list_services(ns_);
  if (names)
    for (auto& name : *names)
      left.push_back(to_string(key(name)) + " is still registered");
  else if (!is_invalid_namespace(names.error()))
    left.push_back("cannot list " + to_string(ns_) +
                   " after the teardown: " + sys_->render(names.error()));
  return left;
}

std::vector<std::string> registry_test::stop_tracked_actors() {
  caf::scoped_actor self{*sys_};
  address_set running;
  for (auto& t : tracked_)
    if (running.insert(t.who.address()).second)
      self->monitor(t.who);
  await_downs(self, running, leftover_grace);
  std::vector<std::string> left;
  for (auto& t : tracked_)
    if (running.count(t.who.address()) > 0)
      left.push_back(to_string(t.key) + " (actor " +
                     std::to_string(t.who->id()) +
                     ") still runs after the teardown; killed it");
  for (auto& who : running)
    self->send_exit(who, caf::exit_reason::kill);
  await_downs(self, running, kill_grace);
  for (auto& who : running)
    left.push_back("actor " + std::to_string(who.id()) +
                   " does not terminate when killed: the actor system "
                   "cannot shut down");
  tracked_.clear();
  return left;
}

void registry_test::stop_registry() {
  if (reg_)
    reg_.stop();
}

} // namespace libregistry
