#pragma once

// What the first block of "Using it" gives the blocks after it: its includes
// and using-directives (keep them as they are there), and its actor system.

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/errors.hpp>

using namespace libregistry;
using namespace std::chrono_literals;

extern caf::actor_system sys;
