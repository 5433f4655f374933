#pragma once

// The cache of built fixtures that the benchmarks share.

#include <memory>
#include <mutex>
#include <string>

namespace libregistry::bench {

/// Keeps the value built for the last key asked for: enough when the
/// benchmarks that share a value run one after the other, and it bounds
/// memory to one large fixture of each kind.
template <class T>
class last_value_cache {
public:
  template <class Build>
  std::shared_ptr<T> get(const std::string& key, Build build) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (value_ == nullptr || key_ != key) {
      value_.reset(); // Frees the old value before the new one is built.
      value_ = build();
      key_ = key;
    }
    return value_;
  }

  void clear() {
    std::lock_guard<std::mutex> guard{mtx_};
    value_.reset();
  }

private:
  std::mutex mtx_;
  std::string key_;
  std::shared_ptr<T> value_;
};

/// The one cache of fixtures of type T.
template <class T>
last_value_cache<T>& cache_of() {
  static last_value_cache<T> instance;
  return instance;
}

} // namespace libregistry::bench
