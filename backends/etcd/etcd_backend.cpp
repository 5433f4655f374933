#include <libregistry/backends/etcd/etcd_backend.hpp>

#include <absl/strings/str_split.h>
#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

#include <libregistry/backends/etcd/detail/etcd_node.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::etcd {

namespace {

using std::chrono::seconds;

caf::error bad_option(const std::string& what) {
  return make_error(registry_errc::backend_error, "etcd: " + what);
}

/// `endpoints` as a list of strings or one comma-separated string.
caf::expected<std::vector<std::string>>
endpoints_from(const caf::settings& options) {
  std::vector<std::string> result;
  auto value = caf::get_if(&options, "endpoints");
  if (value == nullptr)
    return std::vector<std::string>{"http://127.0.0.1:2379"};
  if (auto text = caf::get_if<std::string>(value)) {
    for (auto part : absl::StrSplit(*text, ',', absl::SkipWhitespace()))
      result.emplace_back(absl::StripAsciiWhitespace(part));
  } else if (auto list = caf::get_if<std::vector<std::string>>(value)) {
    result = std::move(*list);
  } else {
    return bad_option("endpoints must be a list of URLs or one string");
  }
  if (result.empty())
    return bad_option("endpoints must name at least one URL");
  for (auto& x : result)
    if (x.rfind("http://", 0) != 0 && x.rfind("https://", 0) != 0)
      return bad_option("endpoint '" + x + "' is not an http(s) URL");
  return result;
}

/// The timespan option `name`, or `fallback` if absent.
caf::expected<caf::timespan> timespan_option(const caf::settings& options,
                                             const char* name,
                                             caf::timespan fallback) {
  auto value = caf::get_if(&options, name);
  if (value == nullptr)
    return fallback;
  auto x = caf::get_if<caf::timespan>(value);
  if (!x || x->count() <= 0)
    return bad_option(std::string{name} + " must be a positive timespan");
  return *x;
}

caf::expected<detail::node_options> options_from(const caf::settings& options) {
  detail::node_options result;
  auto endpoints = endpoints_from(options);
  if (!endpoints)
    return std::move(endpoints.error());
  result.client.endpoints = std::move(*endpoints);
  auto timeout =
      timespan_option(options, "request-timeout", std::chrono::seconds(2));
  if (!timeout)
    return std::move(timeout.error());
  result.client.request_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
  auto ttl = timespan_option(options, "lease-ttl", seconds(10));
  if (!ttl)
    return std::move(ttl.error());
  result.lease_ttl = std::chrono::ceil<seconds>(*ttl);
  result.prefix = caf::get_or(options, "prefix", result.prefix);
  if (result.prefix.empty())
    return bad_option("prefix must not be empty");
  result.agent_host = caf::get_or(options, "agent-host", result.agent_host);
  auto port = caf::get_or(options, "agent-port", int64_t{0});
  if (port < 0 || port > 65535)
    return bad_option("agent-port must be between 0 and 65535");
  result.agent_port = static_cast<uint16_t>(port);
  return result;
}

template <class F>
write_result<etcd_state> write(etcd_state&& st, F f) {
  auto err = f(*st.node);
  return {std::move(st), std::move(err)};
}

} // namespace

void backend::declare_options(caf::config_option_adder& group) {
  group
      .add<std::vector<std::string>>("endpoints", "etcd client URLs (default "
                                                  "http://127.0.0.1:2379)")
      .add<std::string>("prefix", "start of every key (default /libregistry/)")
      .add<caf::timespan>("lease-ttl",
                          "lease of this node's names (default 10s)")
      .add<caf::timespan>("request-timeout",
                          "bound on one etcd call (default 2s)")
      .add<std::string>("agent-host", "address of this node's agent (default "
                                      "127.0.0.1)")
      .add<int64_t>("agent-port", "port of this node's agent (default 0: any)");
}

caf::expected<etcd_state> backend::init(const caf::settings& options,
                                        caf::actor_system& sys) {
  auto opts = options_from(options);
  if (!opts)
    return std::move(opts.error());
  auto node = detail::etcd_node::start(sys, std::move(*opts));
  if (!node)
    return std::move(node.error());
  return etcd_state{std::move(*node)};
}

write_result<etcd_state> backend::register_name(etcd_state&& st, entry e) {
  return write(std::move(st), [&](detail::etcd_node& n) {
    return n.register_name(std::move(e));
  });
}

caf::optional<entry> backend::lookup(const etcd_state& st,
                                     const registry_key& key) {
  return st.node->cache().lookup_with_metadata(key);
}

write_result<etcd_state> backend::unregister(etcd_state&& st,
                                             const registry_key& key) {
  return write(std::move(st),
               [&](detail::etcd_node& n) { return n.unregister(key); });
}

caf::expected<std::vector<entry>> backend::list_all(const etcd_state& st,
                                                    const name_space& ns) {
  return st.node->cache().list(ns);
}

write_result<etcd_state> backend::update_metadata(etcd_state&& st,
                                                  const registry_key& key,
                                                  metadata meta) {
  return write(std::move(st), [&](detail::etcd_node& n) {
    return n.update_metadata(key, std::move(meta));
  });
}

backend_health backend::health_check(const etcd_state& st) {
  st.node->settle_in_doubt();
  auto result = st.node->health();
  return result;
}

write_result<etcd_state> backend::create_namespace(etcd_state&& st,
                                                   const name_space& ns) {
  return write(std::move(st),
               [&](detail::etcd_node& n) { return n.create_namespace(ns); });
}

write_result<etcd_state> backend::drop_namespace(etcd_state&& st,
                                                 const name_space& ns) {
  return write(std::move(st),
               [&](detail::etcd_node& n) { return n.drop_namespace(ns); });
}

write_result<etcd_state> backend::unregister_actor(etcd_state&& st,
                                                   const caf::actor_addr& who) {
  return write(std::move(st),
               [&](detail::etcd_node& n) { return n.unregister_actor(who); });
}

std::vector<caf::actor> backend::actors(const etcd_state& st) {
  return st.node->actors();
}

caf::actor backend::holder(const etcd_state& st, const registry_key& key) {
  auto x = st.node->cache().raw(key);
  return x ? x->handle : caf::actor{};
}

std::vector<entry> backend::registrations_of(const etcd_state& st,
                                             const caf::actor_addr& who) {
  return st.node->registrations_of(who);
}

caf::expected<std::vector<entry>>
backend::find_by_field(const etcd_state& st, const name_space& ns,
                       const std::string& field, const metadata_value& value) {
  return st.node->cache().find_by_field(ns, field, value);
}

caf::expected<size_t> backend::count(const etcd_state& st,
                                     const name_space& ns) {
  return st.node->cache().count(ns);
}

backend_counts backend::counts(const etcd_state& st) {
  auto& cache = st.node->cache();
  return {cache.size(), cache.namespaces(), cache.actors()};
}

std::shared_ptr<const direct_reader> backend::reader(const etcd_state& st) {
  return st.node->reader();
}

void backend::on_external_change(etcd_state& st, external_change_handler h) {
  st.node->on_external_change(std::move(h));
}

void backend::log_to(etcd_state& st, logger log) {
  st.node->log_to(std::move(log));
}

void backend::close(etcd_state&& st) {
  if (st.node)
    st.node->close();
}

} // namespace libregistry::etcd
