#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace libregistry::test {

/// A TCP relay on 127.0.0.1 in front of one etcd member, for fault tests:
/// a registry given `endpoint()` reaches etcd through it, and the test cuts
/// or mutes what passes, separately for the watch streams and for every
/// other request (told apart by the first line of each connection).
///
/// One thread accepts, one thread serves each connection; the destructor
/// closes everything and joins them.
class etcd_proxy {
public:
  enum class traffic : uint8_t { watch, requests };

  enum class mode : uint8_t {
    /// Relays both ways.
    pass,
    /// Closes the connections and every new one at its first bytes, as if
    /// the member were gone.
    cut,
    /// Relays requests but drops the answers: etcd applies a write, its
    /// client never learns it. Back to `pass`, muted connections close
    /// (their streams lost bytes).
    mute,
  };

  /// Relays to `member`, a client URL such as `http://127.0.0.1:2379`.
  explicit etcd_proxy(const std::string& member);
  ~etcd_proxy();

  etcd_proxy(const etcd_proxy&) = delete;
  etcd_proxy& operator=(const etcd_proxy&) = delete;

  /// The URL to give a registry as its only endpoint.
  std::string endpoint() const;

  void set(traffic t, mode m);

  /// `set` for both kinds of traffic.
  void set_all(mode m);

private:
  void accept_loop();
  void relay(int client);

  mode mode_of(traffic t) const;

  int target_port_ = 0;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<mode> watch_{mode::pass};
  std::atomic<mode> requests_{mode::pass};
  std::atomic<bool> stop_{false};
  std::mutex mtx_;
  std::vector<std::thread> relays_;
  std::thread acceptor_;
};

} // namespace libregistry::test
