#pragma once

// The etcd backend in the suite: where its etcd is, which families it runs
// in, and the cross-node round trip, whose other node is a second
// registry_bench process.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/settings.hpp>

namespace libregistry::bench {

/// The client URLs of the etcd to measure against, comma-separated (one per
/// member): the environment variable LIBREGISTRY_BENCH_ETCD
/// (scripts/with-etcd.sh sets it), or empty, in which case no benchmark of
/// the etcd backend is registered.
std::string etcd_endpoint();

/// The backends this run measures: every backend in the catalog, etcd only
/// when `etcd_endpoint()` is set.
std::vector<std::string> measured_backends();

/// Whether `backend` keeps its names a network round trip away (etcd). Its
/// lookups run at `remote_entry_counts` instead of `entry_counts`, since
/// each registration is an etcd transaction (about 1 ms), and without the
/// paced writer, whose 20,000 writes per second etcd cannot absorb.
bool is_remote(const std::string& backend);

/// Entry counts of the lookup families of a remote backend.
inline const std::vector<int64_t> remote_entry_counts{1000, 10000};

/// Backend options for a new registry over `backend`: none for the
/// in-process backends; for etcd, `etcd_endpoint()` and a key prefix no
/// other registry of the run has.
caf::settings backend_options_for(const std::string& backend);

/// BM_CrossNodeRoundTrip/etcd: a direct lookup of a name that another node
/// process registered, then a request to the actor it returns (a proxy)
/// and its answer, awaited, from an actor; both nodes on this host.
void register_cross_node();

/// A key prefix under which no other registry or benchmark of the run
/// writes.
std::string fresh_prefix();

/// BM_EtcdRegisterConcurrently/etcd/64 beside BM_EtcdPutConcurrently/64:
/// one node's registrations per second from 64 concurrent registrants, and
/// etcd's own puts per second at the same concurrency.
void register_etcd_throughput();

/// Runs as the other node of BM_CrossNodeRoundTrip when `argv` is
/// `registry_bench --serve-node PREFIX`, and returns its exit status; -1
/// otherwise.
int serve_node_if_asked(int argc, char** argv);

} // namespace libregistry::bench
