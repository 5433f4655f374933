#pragma once

#include <cstddef>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>

#include <libregistry/entry.hpp>
#include <libregistry/event.hpp>
#include <libregistry/subscription.hpp>

namespace libregistry {

/// The actors that receive a registry's events: listeners, which see every
/// change in every namespace, and subscribers, which see the changes their
/// subscriptions cover. An actor can be both and hold several
/// subscriptions; it receives one event per change all the same.
///
/// Owned by the registry, which monitors each member and drops it on its
/// down message. Notifying only enqueues messages, so a slow subscriber
/// cannot slow the registry down (its own mailbox grows instead), and since
/// members are monitored, not linked, a failing one cannot take the
/// registry with it. Events reach each member in the order `notify` is
/// called.
class subscriber_set {
public:
  /// Makes `who` a listener; returns whether `who` is new to the set, so
  /// the caller monitors each member once. Cost: O(members).
  bool add_listener(const caf::actor& who);

  /// Adds `filter` to the subscriptions of `who` unless it holds an equal
  /// one; returns whether `who` is new to the set. Cost: O(members +
  /// subscriptions of `who`).
  bool add(const caf::actor& who, subscription filter);

  /// Removes the subscription of `who` equal to `filter`, if any; a member
  /// left with nothing to receive leaves the set. Cost: O(members +
  /// subscriptions of `who`).
  void remove(const caf::actor_addr& who, const subscription& filter);

  /// Drops `who` with all its subscriptions. Cost: O(members).
  void drop(const caf::actor_addr& who);

  bool empty() const { return xs_.empty(); }

  /// Members: listeners and subscribers, each counted once.
  size_t size() const { return xs_.size(); }

  /// Members that listen. Cost: O(members).
  size_t listeners() const;

  /// True if `who` listens. Cost: O(members).
  bool listens(const caf::actor_addr& who) const;

  /// The subscriptions `who` holds. Cost: O(members).
  size_t subscriptions_of(const caf::actor_addr& who) const;

  /// True if `who` holds a subscription equal to `filter`. Cost: O(members
  /// + subscriptions of `who`).
  bool holds(const caf::actor_addr& who, const subscription& filter) const;

  /// Every member, e.g. for a new registry actor to monitor them again.
  std::vector<caf::actor> members() const;

  /// Sends, as `sender`, one event of `kind` per entry of `changed` to each
  /// member that listens or holds a subscription covering the entry.
  /// Cost: O(entries × all subscriptions) checks, plus the enqueues.
  void notify(const caf::actor& sender, event_kind kind,
              const std::vector<entry>& changed,
              const caf::error& reason = caf::none) const;

  /// Like `notify` for one entry whose metadata was `before` until this
  /// change: a subscription covering it before or after receives the event.
  void notify_changed(const caf::actor& sender, event_kind kind,
                      const entry& now, const metadata& before) const;

private:
  struct member {
    caf::actor who;
    bool listens = false;
    std::vector<subscription> filters;
  };

  member* find(const caf::actor_addr& who);

  const member* find(const caf::actor_addr& who) const;

  /// Adds `who` if missing; returns it and whether it was added.
  std::pair<member*, bool> find_or_add(const caf::actor& who);

  template <class Covers>
  void send(const caf::actor& sender, const registry_event& ev,
            Covers covers) const;

  std::vector<member> xs_;
};

} // namespace libregistry
