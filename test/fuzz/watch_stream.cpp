// Fuzz target: the byte stream of an etcd watch through the JSON gateway
// (backends/etcd/detail/etcd_watch.hpp), cut into lines as curl hands it
// over in chunks, each line read as a watch message. The first byte sets
// the chunk size. Properties: nothing throws; the lines do not depend on
// how the stream is cut; events carry a positive revision and keys.

#include <string>
#include <vector>

#include <libregistry/backends/etcd/detail/etcd_watch.hpp>

#include "fuzz_check.hpp"

using namespace libregistry;
using namespace libregistry::etcd::detail;

namespace {

/// The lines of `stream` handed over in chunks of `chunk` bytes, and what
/// is left pending at the end.
std::vector<std::string> lines_of(const std::string& stream, size_t chunk,
                                  std::string& pending) {
  std::vector<std::string> lines;
  auto keep = [&](const std::string& line) {
    FUZZ_CHECK(!line.empty() && line.find('\n') == std::string::npos);
    lines.push_back(line);
    return true;
  };
  for (size_t i = 0; i < stream.size(); i += chunk)
    FUZZ_CHECK(split_watch_stream(pending, stream.data() + i,
                                  std::min(chunk, stream.size() - i), keep));
  return lines;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  size_t chunk = data[0] % 64 + 1;
  auto stream = fuzz::bytes_of(data + 1, size - 1);
  std::string pending;
  auto lines = lines_of(stream, chunk, pending);
  std::string whole_pending;
  FUZZ_CHECK(lines_of(stream, stream.size() + 1, whole_pending) == lines);
  FUZZ_CHECK(pending == whole_pending &&
             pending.find('\n') == std::string::npos);
  for (auto& line : lines) {
    auto msg = parse_watch_line(line);
    if (msg.type == watch_message::kind::events) {
      FUZZ_CHECK(msg.revision > 0 && !msg.events.empty());
      for (auto& ev : msg.events)
        FUZZ_CHECK(!ev.kv.key.empty());
    } else {
      FUZZ_CHECK(msg.events.empty());
    }
  }
  // A consumer that refuses a line stops the stream there.
  if (!lines.empty()) {
    std::string rest;
    size_t seen = 0;
    auto refuse_first = [&](const std::string&) {
      ++seen;
      return false;
    };
    FUZZ_CHECK(
        !split_watch_stream(rest, stream.data(), stream.size(), refuse_first));
    FUZZ_CHECK(seen == 1);
  }
  return 0;
}
