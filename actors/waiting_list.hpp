#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/typed_response_promise.hpp>

#include <libregistry/key.hpp>

namespace libregistry {

/// The `await` requests of one registry that wait for a name, owned by the
/// registry actor. Each is answered exactly once: with the actor when the
/// name is registered, with `sec::request_timeout` when it expires, or with
/// the reason its namespace went away.
class waiting_list {
public:
  using promise = caf::typed_response_promise<caf::actor>;

  /// Adds a request waiting for `key`; returns its id, for `expire`.
  /// Cost: O(1) expected.
  uint64_t add(const registry_key& key, promise p);

  /// Answers every request waiting for `key` with `who`. Cost: O(1)
  /// expected plus the number of those requests.
  void deliver(const registry_key& key, const caf::actor& who);

  /// Answers request `id` for `key` with a timeout, if it still waits.
  /// Cost: O(requests waiting for `key`).
  void expire(const registry_key& key, uint64_t id);

  /// Answers every request waiting for a name in `ns` with `reason`.
  /// Cost: O(keys waited for).
  void fail(const name_space& ns, const caf::error& reason);

  /// Answers every request with `reason`. Cost: O(requests).
  void fail_all(const caf::error& reason);

  bool empty() const { return by_key_.empty(); }

  /// Requests waiting, over all keys.
  size_t size() const { return size_; }

private:
  struct waiter {
    uint64_t id;
    promise p;
  };

  std::unordered_map<registry_key, std::vector<waiter>> by_key_;
  uint64_t next_id_ = 1;
  size_t size_ = 0;
};

} // namespace libregistry
