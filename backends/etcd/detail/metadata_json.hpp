#pragma once

#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include <libregistry/metadata.hpp>

namespace libregistry::etcd::detail {

/// Metadata as JSON that an operator reads and writes with `etcdctl`, and
/// that reads back as the same metadata. Each value is the JSON a reader
/// expects, except for the types JSON lacks:
///
///   string      "imaging"              (not UTF-8: {"$bytes": "<base64>"})
///   integer     3
///   double      0.5, 3.0, -0.0         (always with a fraction or exponent;
///                                       NaN: {"$double": "nan"})
///   boolean     true
///   list        ["gpu", "ml"]
///   map         {"role": "db"}
///   atom        {"$atom": "ok"}
///   timespan    {"$timespan": <nanoseconds>}
///   URI         {"$uri": "https://example.org"}
///
/// A map key that starts with `$` is written with one more `$` (`$$x` for
/// `$x`), and a key that is not UTF-8 as `$base64:<base64>`, so an object
/// with a single `$`-key of the table above is always a typed value.
/// Cost: O(size of the metadata) each way.
nlohmann::json to_json(const metadata& x);

/// `x` as metadata, for JSON written by `to_json` or by hand in its format.
/// `backend_error` naming the part that is not, for anything else: another
/// type, an unknown `$`-key, an integer beyond int64, an infinite double,
/// nesting deeper than `max_metadata_depth_ceiling`.
caf::expected<metadata> metadata_from_json(const nlohmann::json& x);

/// `x` as a JSON string when it is UTF-8, else `{"$bytes": "<base64>"}`.
nlohmann::json text_to_json(const std::string& x);

/// The bytes of a value written by `text_to_json`; `backend_error` naming
/// `what` for anything else.
caf::expected<std::string> text_from_json(const nlohmann::json& x,
                                          const char* what);

} // namespace libregistry::etcd::detail
