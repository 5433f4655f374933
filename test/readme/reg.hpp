#pragma once

// The registry and the namespace the first block of "Using it" declares.

#include "sys.hpp"

extern caf::expected<registry> reg;
extern const name_space prod;
