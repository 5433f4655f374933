#pragma once

/// The common case in one include: spawning a registry (`spawn_registry`),
/// its configuration from `caf-application.ini`, the blocking client for
/// plain threads, spawn-and-register, sending to a name, service keys, the
/// backend catalog for plugging in a backend of one's own, the error codes,
/// and the log sink and metrics with their Prometheus rendering. Tests add
/// <libregistry/testing/registry_test.hpp>; backend authors
/// <libregistry/backend.hpp>.

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/actors/registry_config.hpp>
#include <libregistry/actors/send_to_name.hpp>
#include <libregistry/actors/spawner.hpp>
#include <libregistry/backends/catalog.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/log.hpp>
#include <libregistry/metrics.hpp>
#include <libregistry/prometheus.hpp>
#include <libregistry/service_key.hpp>
