#pragma once

// The blocking client that "From a plain thread" declares.

#include "reg.hpp"

extern blocking_registry client;
