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

/// One message of a watch stream (one line of the gateway's answer), as
/// `parse_watch_line` reads it.
struct watch_message {
  enum class kind : uint8_t {
    /// Not a watch response, or one that breaks the rules below: the stream
    /// is dropped and opened again from the last delivered revision.
    malformed,
    /// The watch was created: the stream is open.
    created,
    /// etcd canceled the watch; `compact_revision` is positive if the
    /// revision asked for was compacted away.
    canceled,
    /// No change: the store is at `revision` (a progress notification).
    progress,
    /// Changes, bringing the range to `revision`.
    events,
  };
  kind type = kind::malformed;
  int64_t revision = 0;
  int64_t compact_revision = 0;
  std::vector<watch_event> events;
};

/// Reads one line of a watch stream. Never throws: anything that is not a
/// watch response is `malformed`, and so are events without a positive
/// header revision or an event whose `kv` has no key (etcd sends neither).
watch_message parse_watch_line(const std::string& line);

/// Appends `data` to `pending` and hands each complete, non-empty line to
/// `consume`, keeping the rest for the next call; stops at the first line
/// `consume` refuses (returns false) and returns false then.
bool split_watch_stream(std::string& pending, const char* data, size_t size,
                        const std::function<bool(const std::string&)>& consume);

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

  /// Waits 100 ms before the next connection, or less when stopped.
  void pause();

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
