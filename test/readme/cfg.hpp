#pragma once

// The configuration the first block of "Using it" starts its actor system
// with: the reader's own.

#include <caf/actor_system_config.hpp>

extern caf::actor_system_config cfg;
