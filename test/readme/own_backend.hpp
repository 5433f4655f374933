#pragma once

// The backend that "Your own backend" plugs in: examples/map_backend.

#include "map_backend.hpp"
