// Building metadata of many fields: one `emplace` per field, beside
// `metadata_builder`.

#include <cstdio>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <libregistry/metadata.hpp>
#include <libregistry/metadata_builder.hpp>

#include "families.hpp"
#include "fixture.hpp"

namespace libregistry::bench {

namespace {

/// `n` distinct field names, shuffled the same way on every run.
std::vector<std::string> shuffled_fields(size_t n) {
  std::vector<std::string> result;
  result.reserve(n);
  char key[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(key, sizeof(key), "field-%07zu", i);
    result.emplace_back(key);
  }
  shuffle(result);
  return result;
}

/// Times `build(keys)` for <keys> shuffled keys, the metadata's release
/// included; counts keys as items.
template <class Build>
void build_loop(benchmark::State& state, Build build) {
  auto keys = shuffled_fields(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    metadata m = build(keys);
    if (m.size() != keys.size())
      fail(state, "the metadata lacks fields");
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// BM_MetadataEmplace/<keys>: metadata of <keys> integer fields, added one
/// by one with `emplace`, which walks the map to find the key's place:
/// O(n^2) in all.
void metadata_emplace(benchmark::State& state) {
  build_loop(state, [](const std::vector<std::string>& keys) {
    metadata m;
    for (size_t i = 0; i < keys.size(); ++i)
      m.emplace(keys[i], metadata_value{static_cast<int64_t>(i)});
    return m;
  });
}

/// BM_MetadataBuilder/<keys>: the same metadata from `metadata_builder`:
/// O(n log n).
void metadata_builder_build(benchmark::State& state) {
  build_loop(state, [](const std::vector<std::string>& keys) {
    metadata_builder b;
    b.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i)
      b.add(keys[i], static_cast<int64_t>(i));
    return b.build();
  });
}

} // namespace

void register_metadata_builds() {
  // Emplace stops at 10,000 keys, about a second per build; 30,000 take
  // twenty.
  benchmark::RegisterBenchmark("BM_MetadataEmplace", metadata_emplace)
      ->Arg(1000)
      ->Arg(3000)
      ->Arg(10000)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_MetadataBuilder", metadata_builder_build)
      ->Arg(1000)
      ->Arg(3000)
      ->Arg(10000)
      ->Arg(100000)
      ->Arg(1000000)
      ->Unit(benchmark::kMillisecond);
}

} // namespace libregistry::bench
