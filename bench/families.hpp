#pragma once

// The benchmark families, registered by main in an order that lets each
// populated fixture serve all its benchmarks before the next is built.

#include <cstdint>
#include <string>

namespace libregistry::bench {

/// BM_RawMapFind, BM_RawMapFindLatency, BM_FlatMapFind, BM_RawMapRequest,
/// BM_FlatMapRequest, BM_CafRegistryGet, BM_CafRegistryGetWhileWriting,
/// BM_LockedMapGet and BM_LockedMapGetWhileWriting at `entries`.
void register_baseline_lookups(int64_t entries);

/// BM_BareRequestResponse.
void register_bare_request();

/// BM_DirectLookup, BM_DirectLookupLatency, BM_DirectLookupHot,
/// BM_DirectLookupWhileWriting, BM_MessageLookup and BM_FindByMetadata for
/// `backend` at `entries`.
void register_backend_lookups(const std::string& backend, int64_t entries);

/// BM_MetadataEmplace and BM_MetadataBuilder at their key counts.
void register_metadata_builds();

/// BM_Register, BM_Unregister, BM_UpdateMetadata and BM_DeathCleanup for
/// `backend`.
void register_writes(const std::string& backend);

/// BM_RealisticFlatMapFind, BM_RealisticDirectLookup,
/// BM_RealisticMessageLookup and BM_RealisticFlatMapRequest for `backend` at
/// `entries`, in the realistic setting (realistic.hpp).
void register_realistic_lookups(const std::string& backend, int64_t entries);

/// BM_RealisticFind and BM_RegisterDuringScan for `backend` at `entries`,
/// in the realistic setting.
void register_realistic_scans(const std::string& backend, int64_t entries);

/// BM_RegisterFresh for `backend`.
void register_fresh_writes(const std::string& backend);

/// BM_RegisterSelf for `backend` with bursts of `actors` actors.
void register_bursts(const std::string& backend, int64_t actors);

/// BM_BareSelfBurst with bursts of `actors` actors.
void register_bare_burst(int64_t actors);

} // namespace libregistry::bench
