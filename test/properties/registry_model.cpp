#include "registry_model.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include <caf/deep_to_string.hpp>
#include <caf/exit_reason.hpp>

#include <libregistry/errors.hpp>

namespace libregistry::properties {

const std::vector<std::string>& pool_names() {
  static const std::vector<std::string> names{"a", "b", "c", "d"};
  return names;
}

bool operator==(const registration& x, const registration& y) {
  return x.name == y.name && x.actor == y.actor && x.meta == y.meta;
}

bool operator<(const registration& x, const registration& y) {
  return std::tie(x.name, x.actor) < std::tie(y.name, y.actor);
}

std::string to_string(const registration& x) {
  return x.name + "@" + to_string(x.actor) +
         caf::deep_to_string(x.meta.container());
}

std::string to_string(std::vector<registration> xs) {
  std::sort(xs.begin(), xs.end());
  std::string result = "[";
  for (auto& x : xs)
    result += (result.size() > 1 ? ", " : "") + to_string(x);
  return result + "]";
}

std::string to_string(const caf::optional<registration>& x) {
  return x ? to_string(*x) : "none";
}

std::string to_string(actor_index x) {
  return x == no_actor ? "?" : std::to_string(x);
}

std::string to_string(bool x) {
  return x ? "true" : "false";
}

std::string to_string(const std::vector<std::string>& xs) {
  std::string result = "[";
  for (auto& x : xs)
    result += (result.size() > 1 ? ", " : "") + x;
  return result + "]";
}

bool operator==(const change& x, const change& y) {
  return x.kind == y.kind && x.now == y.now && x.reason == y.reason;
}

std::string to_string(const change& x) {
  auto result = libregistry::to_string(x.kind) + " " + to_string(x.now);
  if (x.reason)
    result += " (" + caf::to_string(x.reason) + ")";
  return result;
}

std::string to_string(const std::vector<change>& xs) {
  std::string result = "[";
  for (auto& x : xs)
    result += (result.size() > 1 ? ", " : "") + to_string(x);
  return result + "]";
}

bool filter::covers(const std::string& registered, const metadata& meta) const {
  switch (kind) {
  case one_name:
    return registered == name;
  case one_field:
    return field_matches(meta, field, value);
  default:
    return true;
  }
}

bool operator==(const filter& x, const filter& y) {
  return x.kind == y.kind && x.name == y.name && x.field == y.field &&
         x.value == y.value;
}

std::string to_string(const filter& x) {
  switch (x.kind) {
  case filter::one_name:
    return "name " + x.name;
  case filter::one_field:
    return "field " + x.field + " = " + caf::to_string(x.value);
  default:
    return "namespace";
  }
}

registry_model::registry_model(size_t actors) : alive(actors, true) {}

const registration* registry_model::find(const std::string& name) const {
  auto i = names.find(name);
  return i == names.end() ? nullptr : &i->second;
}

std::vector<std::string> registry_model::names_of(actor_index who) const {
  std::vector<std::string> result;
  for (auto& [name, r] : names)
    if (r.actor == who)
      result.push_back(name);
  return result;
}

void registry_model::record(change c) {
  for (auto& f : filters)
    if (f.covers(c.now.name, c.now.meta) ||
        (c.before && f.covers(c.now.name, *c.before))) {
      covered.push_back(c);
      break;
    }
  changes.push_back(std::move(c));
}

void registry_model::begin(bool asynchronous) {
  changes.clear();
  covered.clear();
  unordered = asynchronous;
}

void registry_model::deliver(const std::string& name, actor_index who) {
  for (auto& a : awaits)
    if (!a.answered && a.name == name) {
      a.answered = true;
      a.actor = who;
    }
}

caf::error registry_model::register_name(const std::string& name,
                                         actor_index who,
                                         const metadata& meta) {
  begin();
  if (!alive.at(who))
    return make_error(registry_errc::process_not_alive);
  auto i = names.find(name);
  if (i != names.end() && i->second.actor != who)
    return make_error(registry_errc::already_registered);
  caf::optional<metadata> before;
  if (i != names.end())
    before = i->second.meta;
  registration r{name, who, meta};
  names[name] = r;
  record(change{event_kind::registered, r, before, {}});
  deliver(name, who);
  return caf::none;
}

void registry_model::unregister(const std::string& name) {
  begin();
  auto i = names.find(name);
  if (i == names.end())
    return;
  record(change{event_kind::unregistered, i->second, {}, {}});
  names.erase(i);
}

caf::error registry_model::update_metadata(const std::string& name,
                                           const metadata& meta) {
  begin();
  auto i = names.find(name);
  if (i == names.end())
    return make_error(registry_errc::not_found);
  auto before = i->second.meta;
  i->second.meta = meta;
  record(change{event_kind::metadata_updated, i->second, before, {}});
  return caf::none;
}

void registry_model::kill(actor_index who) {
  begin(true);
  for (auto& name : names_of(who)) {
    record(change{
        event_kind::terminated, names.at(name), {}, caf::exit_reason::kill});
    names.erase(name);
  }
  alive.at(who) = false;
  spawn();
}

uint64_t registry_model::teardown() {
  std::set<actor_index> holders;
  for (auto& [name, r] : names)
    holders.insert(r.actor);
  begin(true);
  for (auto& [name, r] : names)
    record(change{event_kind::terminated, r, {}, caf::exit_reason::kill});
  names.clear();
  for (auto who : holders) {
    alive.at(who) = false;
    spawn();
  }
  for (auto& a : awaits)
    if (!a.answered) {
      a.answered = true;
      a.error = make_error(registry_errc::invalid_namespace);
    }
  filters.clear();
  ++teardowns;
  return holders.size();
}

actor_index registry_model::spawn() {
  alive.push_back(true);
  return alive.size() - 1;
}

size_t registry_model::await(const std::string& name) {
  begin();
  await_state a{name, false, no_actor, {}};
  if (auto r = find(name)) {
    a.answered = true;
    a.actor = r->actor;
  }
  awaits.push_back(std::move(a));
  return awaits.size() - 1;
}

} // namespace libregistry::properties
