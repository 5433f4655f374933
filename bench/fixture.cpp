#include "fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <malloc.h>
#include <mutex>
#include <stdexcept>

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "etcd.hpp"
#include "fixture_cache.hpp"
#include "flat_map.hpp"
#include "realistic.hpp"
#include <libregistry/errors.hpp>

namespace libregistry::bench {

namespace {

constexpr size_t holder_count = 16;
constexpr size_t bulk_batch = 10000;

struct system_holder {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<caf::actor> holders;

  system_holder() {
    add_registry_error_category(cfg);
    cfg.set("scheduler.policy", caf::atom_from_string(scheduler_policy()));
    cfg.load<caf::io::middleman>(); // the etcd backend's node agent
    sys = std::make_unique<caf::actor_system>(cfg);
    for (size_t i = 0; i < holder_count; ++i)
      holders.push_back(
          sys->spawn([]() -> caf::behavior { return {[](int) {}}; }));
  }
};

system_holder& the_system() {
  static system_holder instance;
  return instance;
}

struct caf_registry_names {
  std::mutex mtx;
  std::vector<caf::atom_value> names; // the names held, n0, n1, ...
};

caf_registry_names& caf_registry() {
  static caf_registry_names instance;
  return instance;
}

/// Bytes the heap holds: small blocks plus mmapped ones.
size_t heap_in_use() {
  auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

std::shared_ptr<populated_registry> build_registry(const std::string& be,
                                                   size_t n) {
  auto result = std::make_shared<populated_registry>();
  result->keys = shuffled_keys(n);
  auto before = heap_in_use();
  result->reg = spawn_or_throw(be);
  std::vector<entry> batch;
  for (size_t i = 0; i < n; ++i) {
    batch.push_back(entry{key_for(i), holder_for(i), metadata_for(i, n)});
    if (batch.size() == bulk_batch || i + 1 == n)
      register_bulk(result->reg, std::exchange(batch, {}));
  }
  // register_bulk awaited the last answer, so the registry has dropped
  // every request message by the time this health check is answered.
  caf::scoped_actor self{sys()};
  auto health = ask<health_report>(self, result->reg, health_check_atom::value);
  // Signed, so that a heap that shrank shows as such.
  auto grown = static_cast<double>(heap_in_use()) - static_cast<double>(before);
  auto meta_bytes = static_cast<double>(heap_bytes(metadata_for(0, n)) * n);
  auto count = static_cast<double>(n);
  result->bytes_per_entry = (grown - meta_bytes) / count;
  result->estimated_bytes_per_entry =
      (static_cast<double>(health.details.memory_bytes) - meta_bytes) / count;
  return result;
}

caf::atom_value caf_name(size_t i) {
  return caf::atom_from_string("n" + std::to_string(i));
}

std::atomic<bool> failed{false};

} // namespace

void fail(benchmark::State& state, const std::string& why) {
  failed = true;
  state.SkipWithError(why.c_str());
}

bool any_failed() {
  return failed;
}

std::string scheduler_policy() {
  auto x = std::getenv("LIBREGISTRY_BENCH_SCHEDULER");
  std::string result = x != nullptr && *x != '\0' ? x : "stealing";
  if (result != "stealing" && result != "sharing")
    throw std::invalid_argument("LIBREGISTRY_BENCH_SCHEDULER must be "
                                "'stealing' or 'sharing', not '" +
                                result + "'");
  return result;
}

caf::actor_system& sys() {
  return *the_system().sys;
}

void shutdown() {
  clear_realistic();
  cache_of<populated_registry>().clear();
  cache_of<raw_map>().clear();
  cache_of<locked_map>().clear();
  cache_of<flat_map>().clear();
  caf_names(0);
  auto& x = the_system();
  kill_all(x.holders);
  x.holders.clear();
  x.sys.reset();
}

const std::vector<caf::actor>& holders() {
  return the_system().holders;
}

const caf::actor& holder_for(size_t i) {
  return holders()[i % holder_count];
}

registry_key key_for(size_t i, name_space ns) {
  return registry_key{ns, service_name{"svc-" + std::to_string(i)}};
}

registry_key writer_key(size_t i) {
  return registry_key{name_space::production(),
                      service_name{"writer", std::to_string(i)}};
}

metadata metadata_for(size_t i, size_t n) {
  auto groups = std::max<size_t>(n / 10, 1);
  metadata result;
  result.emplace(group_field, static_cast<int64_t>(i % groups));
  return result;
}

std::vector<registry_key> shuffled_keys(size_t n) {
  std::vector<registry_key> result;
  result.reserve(n);
  for (size_t i = 0; i < n; ++i)
    result.push_back(key_for(i));
  shuffle(result);
  return result;
}

std::vector<metadata_value> shuffled_groups(size_t n) {
  std::vector<metadata_value> result;
  for (size_t i = 0; i < std::max<size_t>(n / 10, 1); ++i)
    result.push_back(metadata_for(i, n).container().at(group_field));
  shuffle(result);
  return result;
}

registry spawn_or_throw(const std::string& backend) {
  registry_options opts;
  opts.backend = backend;
  opts.backend_options = backend_options_for(backend);
  auto reg = spawn_registry(sys(), std::move(opts));
  if (!reg)
    throw std::runtime_error("spawn_registry(" + backend +
                             ") failed: " + sys().render(reg.error()));
  return std::move(*reg);
}

void stop(const caf::actor& who) {
  caf::scoped_actor self{sys()};
  self->monitor(who);
  self->send_exit(who, caf::exit_reason::kill);
  self->receive([](const caf::down_msg&) {});
}

void stop(const registry& reg) {
  caf::scoped_actor self{sys()};
  auto serving = reg.actor();
  self->monitor(serving);
  reg.stop();
  self->receive([](const caf::down_msg&) {});
  // The supervisor closes the backend (and frees its memory) after the
  // actor ended: wait for that too, so the next fixture's heap growth is
  // its own.
  static_cast<void>(reg.next_actor(serving, std::chrono::seconds(10)));
}

std::vector<caf::actor> spawn_idle_actors(size_t n) {
  std::vector<caf::actor> result;
  result.reserve(n);
  for (size_t i = 0; i < n; ++i)
    result.push_back(
        sys().spawn([]() -> caf::behavior { return {[](int) {}}; }));
  return result;
}

void kill_all(const std::vector<caf::actor>& actors) {
  caf::scoped_actor self{sys()};
  for (auto& who : actors) {
    self->monitor(who);
    self->send_exit(who, caf::exit_reason::kill);
  }
  for (size_t i = 0; i < actors.size(); ++i)
    self->receive([](const caf::down_msg&) {});
}

void register_bulk(const registry& reg, std::vector<entry> entries) {
  caf::scoped_actor self{sys()};
  auto fail = [](const caf::error& err) {
    throw std::runtime_error("bulk registration failed: " + to_string(err));
  };
  for (size_t first = 0; first < entries.size(); first += bulk_batch) {
    auto last = std::min(entries.size(), first + bulk_batch);
    std::vector<entry> batch(std::make_move_iterator(entries.begin() + first),
                             std::make_move_iterator(entries.begin() + last));
    self->request(reg.actor(), caf::infinite, register_all_atom::value,
                  std::move(batch))
        .receive(
            [&](const std::vector<caf::error>& errs) {
              for (auto& err : errs)
                if (err)
                  fail(err);
            },
            [&](caf::error& err) { fail(err); });
  }
}

populated_registry::~populated_registry() {
  if (reg)
    stop(reg);
}

std::shared_ptr<const populated_registry> populated(const std::string& backend,
                                                    size_t n) {
  return cache_of<populated_registry>().get(
      backend + "/" + std::to_string(n),
      [&] { return build_registry(backend, n); });
}

raw_map::raw_map(size_t n) : keys(shuffled_keys(n)) {
  for (size_t i = 0; i < n; ++i)
    map.emplace(key_for(i), holder_for(i));
}

std::shared_ptr<const raw_map> raw_map_of(size_t n) {
  return cache_of<raw_map>().get(std::to_string(n),
                                 [n] { return std::make_shared<raw_map>(n); });
}

locked_map::locked_map(size_t n) : table_(n) {}

caf::actor locked_map::get(const registry_key& key) const {
  std::shared_lock<std::shared_mutex> guard{mtx_};
  return table_.find(key);
}

void locked_map::put(const registry_key& key, const caf::actor& who) {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  table_.map.insert_or_assign(key, who);
}

void locked_map::erase(const registry_key& key) {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  table_.map.erase(key);
}

std::shared_ptr<locked_map> locked_map_of(size_t n) {
  return cache_of<locked_map>().get(
      std::to_string(n), [&] { return std::make_shared<locked_map>(n); });
}

std::shared_ptr<const flat_map> flat_map_of(size_t n) {
  return cache_of<flat_map>().get(std::to_string(n), [n] {
    auto result = std::make_shared<flat_map>();
    result->keys = shuffled_keys(n);
    result->slots.reserve(n);
    for (size_t i = 0; i < n; ++i)
      result->slots.insert(
          flat_slot{detail::compact_key{key_for(i)}, holder_for(i)});
    return result;
  });
}

std::shared_ptr<const std::vector<caf::atom_value>> caf_names(size_t n) {
  auto& x = caf_registry();
  std::lock_guard<std::mutex> guard{x.mtx};
  auto& names = x.names;
  for (; names.size() > n; names.pop_back())
    sys().registry().erase(names.back());
  for (auto i = names.size(); i < n; ++i) {
    names.push_back(caf_name(i));
    sys().registry().put(names.back(), holder_for(i));
  }
  auto result = std::make_shared<std::vector<caf::atom_value>>(names);
  shuffle(*result);
  return result;
}

} // namespace libregistry::bench
