#include <libregistry/testing/conformance.hpp>

#include <caf/send.hpp>
#ifdef LIBREGISTRY_WITH_ETCD
#include <caf/io/middleman.hpp>
#endif

namespace libregistry::conformance {

namespace {

registry spawn_or_throw(caf::actor_system& sys, registry_options opts) {
  auto reg = spawn_registry(sys, std::move(opts));
  if (!reg)
    throw std::runtime_error("spawn_registry failed: " +
                             sys.render(reg.error()));
  return std::move(*reg);
}

} // namespace

caf::behavior echo_worker(caf::event_based_actor*) {
  return {[](int x) { return x + 1; }};
}

caf::actor_system_config& test_config(caf::actor_system_config& cfg) {
  add_registry_error_category(cfg);
#ifdef LIBREGISTRY_WITH_ETCD
  cfg.load<caf::io::middleman>();
#endif
  return cfg;
}

fixture::fixture(registry_options opts)
    : sys_(test_config(cfg_)), reg_(spawn_or_throw(sys_, std::move(opts))),
      client_(sys_, reg_), self_(sys_) {}

fixture::fixture(
    registry_options opts,
    const std::function<void(caf::actor_system_config&)>& configure)
    : sys_((test_config(cfg_), configure(cfg_), cfg_)),
      reg_(spawn_or_throw(sys_, std::move(opts))), client_(sys_, reg_),
      self_(sys_) {}

fixture::~fixture() {
  for (auto& w : workers_)
    caf::anon_send_exit(w, caf::exit_reason::kill);
  reg_.stop();
}

caf::actor fixture::worker() {
  workers_.push_back(sys_.spawn(echo_worker));
  return workers_.back();
}

void fixture::stop(const caf::actor& who, caf::error reason) {
  self_->monitor(who);
  self_->send_exit(who, std::move(reason));
  self_->receive([](caf::down_msg&) {});
}

void fixture::stop_registry() {
  self_->monitor(reg_.actor());
  reg_.stop();
  self_->receive([](caf::down_msg&) {});
}

} // namespace libregistry::conformance
