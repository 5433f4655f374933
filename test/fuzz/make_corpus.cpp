// Writes the binary seeds of the fuzz corpora (corpus/<target>/seed-*):
// values made by the project's own encoders and CAF's binary_serializer.
// The text seeds (etcd's answers, configurations) are written by hand or
// captured from etcd (capture_gateway_seeds.sh).
// Usage: make_corpus DIR  (DIR is test/fuzz/corpus)

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>
#include <caf/scoped_execution_unit.hpp>
#include <caf/uri_builder.hpp>

#include <libregistry/backends/etcd/detail/key_layout.hpp>
#include <libregistry/backends/etcd/detail/node_agent.hpp>
#include <libregistry/backends/etcd/detail/stored_entry.hpp>
#include <libregistry/entry.hpp>
#include <libregistry/event.hpp>

using namespace libregistry;
using namespace libregistry::etcd::detail;

namespace {

std::string dir;

void write(const std::string& target, const std::string& name,
           const std::string& bytes) {
  std::ofstream out{dir + "/" + target + "/seed-" + name, std::ios::binary};
  out << bytes;
}

template <class T>
std::string serialize(caf::execution_unit* ctx, T& x, char selector) {
  std::vector<char> buf;
  caf::binary_serializer sink{ctx, buf};
  if (sink(x))
    std::abort();
  return std::string(1, selector) + std::string{buf.begin(), buf.end()};
}

metadata rich() {
  metadata m{{"role", "imaging"},
             {"replicas", 3},
             {"ratio", 0.5},
             {"on", true},
             {"tags", {"gpu", "ml"}}};
  m.container().emplace("nested", metadata_value{metadata_value::dictionary{}});
  m.container().emplace("timeout", metadata_value{caf::timespan{1500}});
  m.container().emplace("atom", metadata_value{caf::atom("db")});
  caf::uri_builder ub;
  ub.scheme("http").host("example.org").port(80).path("x");
  m.container().emplace("uri", metadata_value{ub.make()});
  return m;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus DIR\n");
    return 2;
  }
  dir = argv[1];
  caf::actor_system_config cfg;
  add_registry_event_type(cfg);
  caf::actor_system sys{cfg};
  caf::scoped_execution_unit ctx{&sys};

  stored_entry plain{"node-1", 42, "127.0.0.1", 4242, metadata{}};
  stored_entry full{"3f2a9c1e-node", 7, "10.0.0.2", 55555, rich()};
  write("stored_entry", "plain", encode(plain));
  write("stored_entry", "metadata", encode(full));

  registry_key prod{name_space::production(), service_name{"worker"}};
  registry_key test{name_space::test(17), service_name{"agent", "db-1"}};
  write("node_messages", "key", serialize(&ctx, prod, 0));
  write("node_messages", "test-key", serialize(&ctx, test, 0));
  auto meta = rich();
  write("node_messages", "metadata", serialize(&ctx, meta, 1));
  entry e{test, caf::actor{}, rich()};
  write("node_messages", "entry", serialize(&ctx, e, 2));
  registry_event ev{event_kind::terminated, prod, caf::actor{},
                    metadata{{"role", "db"}},
                    caf::make_error(caf::exit_reason::user_shutdown)};
  write("node_messages", "event", serialize(&ctx, ev, 3));
  auto request = caf::make_message(resolve_atom::value, caf::actor_id{42});
  write("node_messages", "resolve", serialize(&ctx, request, 4));
  auto answer = caf::make_message(caf::actor{});
  write("node_messages", "resolved", serialize(&ctx, answer, 4));
  auto event_msg = caf::make_message(ev);
  write("node_messages", "event-message", serialize(&ctx, event_msg, 4));

  key_layout layout{"/libregistry/", "node-a"};
  auto after = [&](const registry_key& k) {
    return layout.of(k).substr(layout.names().size());
  };
  registry_key mine{name_space::test(3), service_name{"agent", "db-1"}};
  write("key_layout", "production", std::string(1, '\0') + after(prod));
  write("key_layout", "test", std::string(1, '\0') + after(mine));
  write("key_layout", "whole", "\1" + layout.of(test));
  write("key_layout", "made",
        std::string{"\2agent\xff"} + "db-1\xffnode-a\xff" +
            std::string("\x11\0\0\0\0\0\0\0", 8));
  return 0;
}
