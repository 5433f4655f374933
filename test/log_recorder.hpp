#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <libregistry/log.hpp>

namespace libregistry::test {

/// A log sink for tests: keeps every record it receives, from any thread.
/// The sink shares the records with the recorder, so a registry that
/// outlives the recorder still writes safely.
class log_recorder {
public:
  /// A logger that records everything at `least` or above.
  logger at(log_level least) const;

  /// The records received so far whose message is `message`.
  std::vector<log_record> with(const std::string& message) const;

  /// Waits up to 10 s for a record whose message is `message`; the first
  /// one, or a record with an empty message if none came.
  log_record await(const std::string& message) const;

  /// How many records were received so far.
  size_t size() const;

private:
  struct shared {
    mutable std::mutex mtx;
    std::vector<log_record> records;
  };

  std::shared_ptr<shared> records_ = std::make_shared<shared>();
};

/// The value of the field `name` of `x`; empty if it has none.
std::string field(const log_record& x, const std::string& name);

} // namespace libregistry::test
