#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace libregistry {

/// How much a log record matters, least first.
enum class log_level : uint8_t { debug, info, warning, error };

/// Renders the enumerator's name, e.g. `warning`.
std::string to_string(log_level x);

/// One named value of a log record, e.g. `{"op", "register_name"}`.
using log_field = std::pair<std::string, std::string>;

/// What the registry reports about itself: a fixed message that says what
/// happened (e.g. `registry actor restarted`), and the particulars as
/// fields, so that a sink can render them or forward them to a structured
/// logger as they are.
struct log_record {
  log_level level = log_level::info;
  std::string message;
  std::vector<log_field> fields;
};

/// Receives the registry's log records. It may be called from several
/// threads at once (the registry actor's, its supervisor's, a backend's own
/// threads) and must be thread-safe; it is never called while the registry
/// holds a lock, so it may block, but a slow sink slows the registry.
using log_sink = std::function<void(const log_record&)>;

/// Where a registry reports its life cycle (`registry_options::log`): a
/// sink and the least level it receives. CAF's own logger is not used
/// (Debian builds CAF without it), so an application hands the registry a
/// sink of its own, e.g. one that writes to its logging library.
///
/// Copies share the sink. Without a sink, `enabled` is one branch and no
/// record is built. An exception thrown by the sink is caught and dropped:
/// logging never changes what the registry does.
class logger {
public:
  /// No sink: every record is dropped.
  logger() = default;

  /// Hands `sink` every record at `least` or above.
  explicit logger(log_sink sink, log_level least = log_level::info)
      : sink_(std::move(sink)), least_(least) {}

  /// True if a record at `level` reaches the sink. Cost: one branch when
  /// no sink is installed.
  bool enabled(log_level level) const noexcept {
    return sink_ && level >= least_;
  }

  /// Hands `x` to the sink if `enabled(x.level)`; contains an exception
  /// the sink throws.
  void write(const log_record& x) const noexcept;

private:
  log_sink sink_;
  log_level least_ = log_level::info;
};

} // namespace libregistry
