// What a soak run shares between its threads: the slots (one name each, with
// the model of what the registry must answer for it), the counters, and the
// failures found.

#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <libregistry/actors/registry.hpp>
#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry::soak {

/// How long and how hard a soak run works.
struct soak_options {
  std::chrono::seconds duration{60};
  std::string backend = "ets";
  /// Slots, one name each; every slot has one live or killed actor.
  size_t actors = 10000;
  /// Threads writing, each owning the slots `i % drivers == its index`.
  size_t drivers = 2;
  /// Threads reading on the lookup paths (direct, message, blocking).
  size_t readers = 2;
  /// Between two kills of the serving registry actor.
  std::chrono::milliseconds crash_every{3000};
  /// Between two pauses in which every read path is checked against the
  /// model.
  std::chrono::milliseconds check_every{5000};
  uint64_t seed = 1;
};

/// One name. The model fields (`actor`, `registered`, `version`,
/// `killed`) belong to the slot's driver and are read by others only while
/// the drivers are parked (`driver_gate`); `dead_id` is read by anyone.
struct slot {
  registry_key key;
  /// The slot's actor: live, or killed (then a register spawns a new one).
  caf::actor actor;
  /// Whether the model holds `actor` registered under `key`.
  bool registered = false;
  /// The metadata's version; the metadata is `slot_metadata(index, version)`.
  int64_t version = 0;
  /// Whether `actor` was killed (not just unregistered).
  bool killed = false;
  /// The id of this slot's last actor known to have terminated: a lookup that
  /// starts after it is stored must never answer that actor.
  std::atomic<caf::actor_id> dead_id{0};
};

/// The metadata of slot `index` at `version`: two fields a find can select.
metadata slot_metadata(size_t index, int64_t version);

/// The slot index a service name encodes, or `npos` if it encodes none.
size_t slot_index(const service_name& name);

/// Counters of a run, written by every thread.
struct soak_counters {
  std::atomic<uint64_t> writes{0};
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> stale{0};
  std::atomic<uint64_t> crashes{0};
  std::atomic<uint64_t> checks{0};
  std::atomic<uint64_t> events{0};
  /// Requests that failed because the registry actor had just been killed.
  std::atomic<uint64_t> answered_by_a_dead_actor{0};
};

/// Everything the threads of a run share.
struct soak_world {
  soak_world(caf::actor_system& sys, registry reg, soak_options opts);

  caf::actor_system& sys;
  registry reg;
  soak_options opts;
  name_space ns = name_space::production();
  std::vector<slot> slots;
  soak_counters counters;

  /// Records a broken invariant; the run fails if any was recorded.
  void fail(std::string what);

  /// The failures recorded so far (at most the first 20 are kept).
  std::vector<std::string> failures() const;

  /// Number of failures recorded.
  size_t failure_count() const;

private:
  mutable std::mutex mtx_;
  std::vector<std::string> failures_;
  size_t failure_count_ = 0;
};

/// Parks the drivers while a check reads the model: between two of its
/// operations a driver passes the gate, and waits there while it is closed.
class driver_gate {
public:
  explicit driver_gate(size_t drivers) : active_(drivers) {}

  /// Called by a driver between operations: returns at once while the gate
  /// is open, else when it opens again.
  void pass();

  /// Called by a driver that ends: it no longer needs to be parked.
  void leave();

  /// Stops the drivers at their next `pass` and waits until all are parked.
  void close();

  /// Lets the parked drivers go on.
  void open();

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  size_t active_;
  size_t parked_ = 0;
  bool closed_ = false;
};

/// Resident memory of this process, in bytes.
size_t resident_bytes();

} // namespace libregistry::soak
