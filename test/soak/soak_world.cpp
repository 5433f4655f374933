#include "soak_world.hpp"

#include <fstream>

#include <unistd.h>

namespace libregistry::soak {

metadata slot_metadata(size_t index, int64_t version) {
  return metadata{{"parity", index % 2 == 0 ? "even" : "odd"},
                  {"version", version}};
}

size_t slot_index(const service_name& name) {
  const auto& text = name.name;
  if (text.size() < 2 || text[0] != 's')
    return std::string::npos;
  size_t result = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9')
      return std::string::npos;
    result = result * 10 + static_cast<size_t>(text[i] - '0');
  }
  return result;
}

soak_world::soak_world(caf::actor_system& sys, registry reg, soak_options opts)
    : sys(sys), reg(std::move(reg)), opts(std::move(opts)),
      slots(this->opts.actors) {
  for (size_t i = 0; i < slots.size(); ++i)
    slots[i].key = registry_key{ns, service_name{"s" + std::to_string(i)}};
}

void soak_world::fail(std::string what) {
  std::lock_guard<std::mutex> guard{mtx_};
  ++failure_count_;
  if (failures_.size() < 20)
    failures_.push_back(std::move(what));
}

std::vector<std::string> soak_world::failures() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return failures_;
}

size_t soak_world::failure_count() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return failure_count_;
}

void driver_gate::pass() {
  std::unique_lock<std::mutex> guard{mtx_};
  if (!closed_)
    return;
  ++parked_;
  cv_.notify_all();
  cv_.wait(guard, [this] { return !closed_; });
  --parked_;
}

void driver_gate::leave() {
  std::lock_guard<std::mutex> guard{mtx_};
  --active_;
  cv_.notify_all();
}

void driver_gate::close() {
  std::unique_lock<std::mutex> guard{mtx_};
  closed_ = true;
  cv_.wait(guard, [this] { return parked_ == active_; });
}

void driver_gate::open() {
  std::lock_guard<std::mutex> guard{mtx_};
  closed_ = false;
  cv_.notify_all();
}

size_t resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  size_t pages = 0;
  size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

} // namespace libregistry::soak
