#include <libregistry/backends/etcd/etcd_backend.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <absl/strings/str_split.h>
#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

#include <libregistry/backends/etcd/detail/etcd_node.hpp>
#include <libregistry/checked_option.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/option_reader.hpp>

namespace libregistry::etcd {

namespace {

using std::chrono::seconds;

/// `endpoints` as a list of strings or one comma-separated string.
caf::expected<std::vector<std::string>>
endpoints_from(const option_reader& opts, const caf::settings& options) {
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
    return opts.refuse("endpoints", "a list of URLs or one string", *value);
  }
  if (result.empty())
    return opts.refuse("endpoints", "must name at least one URL");
  for (auto& x : result)
    if (x.rfind("http://", 0) != 0 && x.rfind("https://", 0) != 0)
      return opts.refuse("endpoints",
                         "must hold http(s) URLs, got '" + x + "'");
  return result;
}

/// The readable file `name`, or "" if absent.
caf::expected<std::string> file_from(const option_reader& opts,
                                     const char* name) {
  auto path = opts.text(name, "");
  if (!path || path->empty())
    return path;
  if (!std::ifstream{*path})
    return opts.refuse(name, "must name a readable file, got '" + *path +
                                 "': " + std::strerror(errno));
  return path;
}

/// Refuses the option of `a` and `b` (names and values) that is missing
/// while the other is given.
caf::error both_or_neither(const option_reader& opts, const char* a,
                           const std::string& a_value, const char* b,
                           const std::string& b_value) {
  if (a_value.empty() == b_value.empty())
    return caf::none;
  auto missing = a_value.empty() ? a : b;
  auto given = a_value.empty() ? b : a;
  return opts.refuse(missing, std::string{"must be given with "} + given);
}

/// The TLS files and etcd user of `opts` into `client`.
caf::error access_from(const option_reader& opts,
                       detail::client_options& client) {
  auto& tls = client.tls;
  for (auto [name, field] : {std::make_pair("ca-file", &tls.ca_file),
                             std::make_pair("cert-file", &tls.cert_file),
                             std::make_pair("key-file", &tls.key_file)}) {
    auto path = file_from(opts, name);
    if (!path)
      return std::move(path.error());
    *field = std::move(*path);
  }
  if (auto err = both_or_neither(opts, "cert-file", tls.cert_file, "key-file",
                                 tls.key_file))
    return err;
  auto https = std::any_of(
      client.endpoints.begin(), client.endpoints.end(),
      [](const std::string& x) { return x.rfind("https://", 0) == 0; });
  if (!https && !(tls.ca_file + tls.cert_file).empty())
    return opts.refuse(tls.ca_file.empty() ? "cert-file" : "ca-file",
                       "applies to https:// endpoints, and none is given");
  auto user = opts.text("user", "");
  if (!user)
    return std::move(user.error());
  auto password = opts.text("password", "");
  if (!password)
    return std::move(password.error());
  if (auto err = both_or_neither(opts, "user", *user, "password", *password))
    return err;
  client.user = std::move(*user);
  client.password = std::move(*password);
  return caf::none;
}

template <class F>
write_result<etcd_state> write(etcd_state&& st, F f) {
  auto err = f(*st.node);
  return {std::move(st), std::move(err)};
}

} // namespace

namespace detail {

caf::expected<node_options> node_options_from(const caf::settings& options) {
  option_reader opts{options, "etcd"};
  node_options result;
  auto endpoints = endpoints_from(opts, options);
  if (!endpoints)
    return std::move(endpoints.error());
  result.client.endpoints = std::move(*endpoints);
  auto timeout = opts.timespan("request-timeout", std::chrono::seconds(2));
  if (!timeout)
    return std::move(timeout.error());
  result.client.request_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
  if (auto err = access_from(opts, result.client))
    return err;
  auto ttl = opts.timespan("lease-ttl", seconds(10));
  if (!ttl)
    return std::move(ttl.error());
  result.lease_ttl = std::chrono::ceil<seconds>(*ttl);
  auto prefix = opts.text("prefix", result.prefix);
  if (!prefix)
    return std::move(prefix.error());
  result.prefix = std::move(*prefix);
  auto host = opts.text("agent-host", result.agent_host);
  if (!host)
    return std::move(host.error());
  result.agent_host = std::move(*host);
  auto port = opts.integer("agent-port", 0, 0, 65535);
  if (!port)
    return std::move(port.error());
  result.agent_port = static_cast<uint16_t>(*port);
  return result;
}

} // namespace detail

void backend::declare_options(caf::config_option_adder& group) {
  group
      .add<checked_option<std::vector<std::string>>>(
          "endpoints", "etcd client URLs (default "
                       "http://127.0.0.1:2379)")
      .add<checked_option<std::string>>(
          "prefix", "start of every key (default /libregistry/)")
      .add<checked_option<caf::timespan>>(
          "lease-ttl", "lease of this node's names (default 10s)")
      .add<checked_option<caf::timespan>>("request-timeout",
                                          "bound on one etcd call (default 2s)")
      .add<checked_option<std::string>>("agent-host",
                                        "address of this node's agent (default "
                                        "127.0.0.1)")
      .add<checked_option<int64_t>>(
          "agent-port", "port of this node's agent (default 0: any)")
      .add<checked_option<std::string>>(
          "ca-file", "PEM file of the CAs etcd's certificate must chain to "
                     "(https; default: the system's)")
      .add<checked_option<std::string>>(
          "cert-file", "PEM file of this node's client certificate (https)")
      .add<checked_option<std::string>>(
          "key-file", "PEM file of the key of cert-file (https)")
      .add<checked_option<std::string>>(
          "user", "etcd user this node authenticates as (default: none)")
      .add<checked_option<std::string>>("password",
                                        "password of the etcd user");
}

caf::expected<etcd_state> backend::init(const caf::settings& options,
                                        caf::actor_system& sys) {
  auto opts = detail::node_options_from(options);
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

void backend::register_name_deferred(etcd_state& st, entry e, write_done done) {
  st.node->register_deferred(std::move(e), std::move(done));
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

void backend::unregister_deferred(etcd_state& st, const registry_key& key,
                                  write_done done) {
  st.node->unregister_deferred(key, std::move(done));
}

void backend::update_metadata_deferred(etcd_state& st, const registry_key& key,
                                       metadata meta, write_done done) {
  st.node->update_deferred(key, std::move(meta), std::move(done));
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

void backend::unregister_actor_deferred(etcd_state& st,
                                        const caf::actor_addr& who,
                                        write_done done) {
  st.node->unregister_actor_deferred(who, std::move(done));
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
