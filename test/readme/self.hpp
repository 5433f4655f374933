#pragma once

// The actor that the blocks "from an actor" run in.

#include <caf/event_based_actor.hpp>

extern caf::event_based_actor* self;
