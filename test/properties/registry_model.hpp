#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/optional.hpp>

#include <libregistry/event.hpp>
#include <libregistry/metadata.hpp>

/// The reference model of the README's semantics table, for the
/// model-based property tests: what one test namespace of a registry holds,
/// which actors of the sequence live, what a subscriber asked for, which
/// awaits wait, and the changes the last command made.
namespace libregistry::properties {

/// An actor of a command sequence: its index in the sequence's pool.
using actor_index = size_t;

/// An index that names no actor of the pool (an answer the model cannot
/// place).
constexpr actor_index no_actor = static_cast<actor_index>(-1);

/// The names a sequence uses: few, so that its registrations collide.
const std::vector<std::string>& pool_names();

/// One registration as the model holds it, or as a read path answered it.
struct registration {
  std::string name;
  actor_index actor = no_actor;
  metadata meta;
};

bool operator==(const registration& x, const registration& y);

/// Sorts by name, then actor.
bool operator<(const registration& x, const registration& y);

/// Renders e.g. `db@2{"role" = "a"}`.
std::string to_string(const registration& x);

/// Renders the registrations, sorted.
std::string to_string(std::vector<registration> xs);

/// Renders a registration or `none`.
std::string to_string(const caf::optional<registration>& x);

/// Renders an actor's index, `?` for `no_actor`; also a count.
std::string to_string(actor_index x);

std::string to_string(bool x);

std::string to_string(const std::vector<std::string>& xs);

/// One event a subscriber received, or the model predicts.
struct change {
  event_kind kind = event_kind::registered;
  registration now;
  /// The metadata before the change, for a change a subscription covers if
  /// it covered the registration before or after.
  caf::optional<metadata> before;
  /// The exit reason of a `terminated` change; none otherwise.
  caf::error reason;
};

/// Compares what a subscriber sees: kind, registration, reason.
bool operator==(const change& x, const change& y);

std::string to_string(const change& x);

std::string to_string(const std::vector<change>& xs);

/// A subscription in the sequence's namespace: every name, one name, or
/// registrations whose `field` matches `value`.
struct filter {
  enum kind_t : uint8_t { whole_namespace, one_name, one_field } kind;
  std::string name;
  std::string field;
  metadata_value value;

  /// Whether a registration under `name` with `meta` is covered.
  bool covers(const std::string& registered, const metadata& meta) const;
};

bool operator==(const filter& x, const filter& y);

std::string to_string(const filter& x);

/// An `await` request: waiting, or answered with an actor or an error.
struct await_state {
  std::string name;
  bool answered = false;
  actor_index actor = no_actor;
  caf::error error;
};

/// The state of one test namespace and the actors of the sequence.
struct registry_model {
  /// Live registrations by name.
  std::map<std::string, registration> names;
  /// Whether each actor of the pool lives.
  std::vector<bool> alive;
  /// The second subscriber's subscriptions (the first one covers the whole
  /// namespace from the start).
  std::vector<filter> filters;
  /// Every await of the sequence, by id.
  std::vector<await_state> awaits;
  /// Namespaces torn down so far: the sequence then works in a new one.
  size_t teardowns = 0;
  /// The changes of the last command, in the order the registry applies
  /// them.
  std::vector<change> changes;
  /// Those the second subscriber's subscriptions covered when they
  /// happened.
  std::vector<change> covered;
  /// Whether the last command's changes happen asynchronously, in an order
  /// the semantics leave open (terminations).
  bool unordered = false;
  /// Whether the registrations of one `register_all` reach subscribers in
  /// the order they complete rather than in input order: a backend that
  /// defers registrations (etcd) sends entries of different names in
  /// concurrent transactions.
  bool concurrent_registrations = false;

  /// A model with `actors` live actors and nothing registered.
  explicit registry_model(size_t actors);

  /// The live registration under `name`, if any.
  const registration* find(const std::string& name) const;

  /// The names `who` holds, sorted.
  std::vector<std::string> names_of(actor_index who) const;

  /// The registrations whose metadata satisfy `pred`, sorted.
  template <class Predicate>
  std::vector<registration> select(Predicate pred) const {
    std::vector<registration> result;
    for (auto& [name, r] : names)
      if (pred(r))
        result.push_back(r);
    return result;
  }

  // -- transitions: each sets `changes` --------------------------------------

  /// Registers as the registry would; returns the error it answers (none,
  /// `process_not_alive`, `already_registered`).
  caf::error register_name(const std::string& name, actor_index who,
                           const metadata& meta);

  void unregister(const std::string& name);

  /// Replaces the metadata; `not_found` for a missing name.
  caf::error update_metadata(const std::string& name, const metadata& meta);

  /// Kills `who`: its names go, a new live actor joins the pool.
  void kill(actor_index who);

  /// Kills the namespace's holders and moves to a fresh namespace; returns
  /// how many actors the teardown stops.
  uint64_t teardown();

  /// Adds a live actor to the pool; returns its index.
  actor_index spawn();

  /// Starts an await for `name`, answered at once if it is held.
  size_t await(const std::string& name);

  /// Clears `changes` for the next command; a command that changes
  /// nothing calls only this.
  void begin(bool asynchronous = false);

private:
  /// Adds `c` to `changes`, and to `covered` if a filter covers it.
  void record(change c);

  /// Answers the awaits waiting for `name` with `who`.
  void deliver(const std::string& name, actor_index who);
};

} // namespace libregistry::properties
