#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <libregistry/backends/etcd/detail/etcd_client.hpp>

namespace libregistry::etcd::detail {

/// One change of a watched key.
struct watch_event {
  enum class kind : uint8_t { put, erase };
  kind type = kind::put;
  /// The key and, for `put`, its new value and revisions.
  key_value kv;
};

/// A watch over a key range (etcd's `/v3/watch` stream through the JSON
/// gateway), served by its own thread until destroyed.
///
/// Delivers every change after `start_revision`, in revision order, each
/// exactly once, through `on_events` (called on the watch thread, with the
/// revision the changes bring the range to). When the stream breaks it
/// reconnects, to any endpoint, from the last revision it delivered, so a
/// member's death loses nothing. If etcd compacted that revision away,
/// `on_compacted` must rebuild the caller's view (e.g. with a range read)
/// and return the revision to go on from.
///
/// With progress notifications on, an idle watch still learns the store's
/// revision about every ten minutes; `revision()` is the last revision
/// known to be delivered.
class etcd_watch {
public:
  using event_handler =
      std::function<void(const std::vector<watch_event>&, int64_t revision)>;
  using compaction_handler = std::function<int64_t()>;

  etcd_watch(client_options opts, std::string key, std::string range_end,
             int64_t start_revision, event_handler on_events,
             compaction_handler on_compacted);

  /// Stops the thread; returns within about 100 ms.
  ~etcd_watch();

  etcd_watch(const etcd_watch&) = delete;
  etcd_watch& operator=(const etcd_watch&) = delete;

  /// The revision up to which every change was delivered.
  int64_t revision() const { return revision_.load(); }

  /// Whether the stream is open now.
  bool connected() const { return connected_.load(); }

  /// Times the stream was opened (1 after the first connection).
  uint64_t connections() const { return connections_.load(); }

private:
  void run();

  /// Handles one line of the stream; false to reconnect.
  bool consume(const std::string& line);

  client_options opts_;
  std::string key_;
  std::string range_end_;
  event_handler on_events_;
  compaction_handler on_compacted_;
  std::atomic<int64_t> revision_;
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> connections_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

} // namespace libregistry::etcd::detail
