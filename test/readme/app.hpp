#pragma once

// The application's own actors, types and values that the blocks of
// "Using it" name.

#include <string>

#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "sys.hpp"

// Actors to register, and one to receive registry events.
extern caf::actor worker;
extern caf::actor fake_db;
extern caf::actor watcher;

// The metadata to register them with.
extern metadata meta;

// A database with a typed interface, spawned with the file it opens.
using my_typed_actor =
    caf::typed_actor<caf::replies_to<std::string>::with<std::string>>;
my_typed_actor::behavior_type db_actor(std::string file);

// A cache, spawned from its class.
class cache_actor : public caf::event_based_actor {
public:
  using caf::event_based_actor::event_based_actor;
  caf::behavior make_behavior() override;
};

// A message that the actor under "resizer" takes.
using job_atom = caf::atom_constant<caf::atom("job")>;
