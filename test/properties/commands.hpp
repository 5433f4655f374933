#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "generators.hpp"
#include "registry_model.hpp"
#include "registry_under_test.hpp"

/// The commands of a sequence. Each generates its arguments from the model
/// in its constructor, changes the model in `apply`, and in `run` sends the
/// same request to the registry, compares the answer with the model's, and
/// then every read path, the events and the awaits (`verify`). The
/// registry's writes are in commands_writes.cpp, the rest in
/// commands_reads.cpp.
namespace libregistry::properties {

using command = rc::state::Command<registry_model, registry_under_test>;

/// A random command for the state `m`.
rc::Gen<std::shared_ptr<const command>> gen_command(const registry_model& m);

/// register(name, actor, metadata): a first registration, the same actor
/// again, or another actor, live or dead.
struct register_name : command {
  std::string name = *gen_name();
  actor_index who;
  metadata meta = *gen_metadata();

  explicit register_name(const registry_model& m) : who(*gen_actor(m, name)) {}
  void checkPreconditions(const registry_model& m) const override;
  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

struct unregister : command {
  std::string name = *gen_name();

  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

struct update_metadata : command {
  std::string name = *gen_name();
  metadata meta = *gen_metadata();

  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

/// register_all over one to three entries.
struct register_all : command {
  std::vector<registration> entries;

  explicit register_all(const registry_model& m);
  void checkPreconditions(const registry_model& m) const override;
  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

/// Kills a live actor; a new one joins the pool.
struct kill_actor : command {
  actor_index who;

  explicit kill_actor(const registry_model& m);
  void checkPreconditions(const registry_model& m) const override;
  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

/// Tears the namespace down; the sequence goes on in a new one.
struct teardown : command {
  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

/// spawn_registered, or lookup_or_spawn when `reuse`.
struct spawn_registered : command {
  std::string name = *gen_name();
  metadata meta = *gen_metadata();
  bool reuse = *rc::gen::arbitrary<bool>();

  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

/// An await, answered now or by a later registration of the name.
struct await_name : command {
  std::string name = *gen_name();

  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

/// The second subscriber subscribes, with or without a snapshot.
struct subscribe : command {
  filter f = *gen_filter();
  bool snapshot = *rc::gen::arbitrary<bool>();

  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

struct unsubscribe : command {
  filter f = *gen_filter();

  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

struct find_by_field : command {
  std::string field = *gen_field();
  metadata_value value = *gen_value();

  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

/// find_services with a predicate: an integer field `n` of at least
/// `least`.
struct find_by_predicate : command {
  int64_t least = *rc::gen::inRange<int64_t>(0, 3);

  void apply(registry_model& m) const override;
  void run(const registry_model& m, registry_under_test& sut) const override;
  void show(std::ostream& os) const override;
};

} // namespace libregistry::properties
