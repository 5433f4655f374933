#include "log_recorder.hpp"

#include <chrono>
#include <thread>

namespace libregistry::test {

logger log_recorder::at(log_level least) const {
  return logger{[shared = records_](const log_record& x) {
                  std::lock_guard<std::mutex> guard{shared->mtx};
                  shared->records.push_back(x);
                },
                least};
}

std::vector<log_record> log_recorder::with(const std::string& message) const {
  std::lock_guard<std::mutex> guard{records_->mtx};
  std::vector<log_record> result;
  for (auto& x : records_->records)
    if (x.message == message)
      result.push_back(x);
  return result;
}

log_record log_recorder::await(const std::string& message) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto found = with(message);
    if (!found.empty())
      return found.front();
    if (std::chrono::steady_clock::now() >= deadline)
      return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

size_t log_recorder::size() const {
  std::lock_guard<std::mutex> guard{records_->mtx};
  return records_->records.size();
}

std::string field(const log_record& x, const std::string& name) {
  for (auto& [key, value] : x.fields)
    if (key == name)
      return value;
  return {};
}

} // namespace libregistry::test
