// The registry actor's spawn-and-register (spawn_registered and
// lookup_or_spawn): it spawns only where no registration holds the name or
// is under way, and stops an actor it spawned for a name another took.

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/actors/detail/request_kinds.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::detail {

namespace {

constexpr size_t registration_op = request_index<register_name_atom>();

/// What a spawn-and-register request asks for.
struct spawn_request {
  registry_key key;
  metadata meta;
  spawner fn;
  /// Whether a live holder is the answer (lookup_or_spawn) rather than
  /// `already_registered` (spawn_registered).
  bool reuse = false;
};

/// Told a spawn-and-register's answer, once.
using spawn_done = std::function<void(caf::expected<caf::actor>)>;

/// The answer to a spawn-and-register of `hdl` whose registration ended
/// with `err`: `hdl`, or, refused, `err` after stopping `hdl`.
caf::expected<caf::actor> spawned(const caf::actor& hdl, const caf::error& err,
                                  bool reuse) {
  if (!err)
    return hdl;
  caf::anon_send_exit(hdl, caf::exit_reason::kill);
  // Across nodes another node may have taken the name after the reader
  // missed it (this node had not seen it yet): lookup-or-spawn answers
  // that holder, as it would have had this node known it.
  if (auto holder = holder_of(err); reuse && holder)
    return holder;
  return err;
}

/// Runs the spawner. User code runs inside the registry here; its
/// exception is the requester's error, not a crash of the registry.
caf::expected<caf::actor> run_spawner(const spawner& fn,
                                      caf::actor_system& sys) {
  caf::actor hdl;
  try {
    hdl = fn.spawn(sys);
  } catch (const std::exception& e) {
    return make_error(registry_errc::invalid_actor,
                      std::string{"the spawner threw: "} + e.what());
  } catch (...) {
    return make_error(registry_errc::invalid_actor,
                      "the spawner threw a non-standard exception");
  }
  if (!hdl)
    return make_error(registry_errc::invalid_actor,
                      "the spawner returned no actor");
  return hdl;
}

/// The latest registration of `key` under way in the backend, or null.
/// Cost: O(deferred writes).
deferred_write* pending_registration(registry_state& st,
                                     const registry_key& key) {
  deferred_write* result = nullptr;
  uint64_t latest = 0;
  for (auto& [id, x] : st.deferred)
    if (x.op == registration_op && x.key == key && id >= latest) {
      result = &x;
      latest = id;
    }
  return result;
}

/// Answers `req` through `done`: at once, or once the backend applied the
/// registration it deferred. Everything that can refuse the registration
/// is checked before the spawner runs.
void spawn_then(registry_pointer self, spawn_request req, spawn_done done) {
  auto& st = self->state;
  if (auto err = admit_metadata(req.meta, st.core->limits))
    return done(err);
  if (!req.fn.spawn)
    return done(make_error(registry_errc::invalid_actor,
                           "empty spawner (spawners do not cross nodes)"));
  if (auto err = check_target(st, req.key))
    return done(err);
  if (auto holder = st.core->reader->lookup(req.key)) {
    if (req.reuse)
      return done(holder);
    return done(make_already_registered(req.key, std::move(holder)));
  }
  if (auto x = pending_registration(st, req.key)) {
    // It may succeed: ask again once it is told, spawning only if not.
    x->after.push_back([self, req, done](const caf::error& down) {
      if (down)
        done(down);
      else
        spawn_then(self, req, done);
    });
    return;
  }
  // The new actor does not exist yet, so it would add a registration.
  if (auto err = check_room_for_name(st, req.key, nullptr))
    return done(err);
  auto hdl = run_spawner(req.fn, self->system());
  if (!hdl)
    return done(std::move(hdl.error()));
  entry e{std::move(req.key), *hdl, std::move(req.meta)};
  if (!st.backend().defers_registrations())
    return done(spawned(*hdl, register_one(self, std::move(e)), req.reuse));
  registration_notice notice;
  if (auto err = admit_registration(self, e, notice))
    return done(spawned(*hdl, err, req.reuse));
  register_deferred_then(self, std::move(e), std::move(notice),
                         [hdl = *hdl, reuse = req.reuse,
                          done = std::move(done)](const caf::error& err) {
                           done(spawned(hdl, err, reuse));
                         });
}

/// The answer of a spawn-and-register: given before the handler returns,
/// or later through `promise`.
struct spawn_answer {
  std::optional<caf::expected<caf::actor>> now;
  bool delegated = false;
  caf::response_promise promise;
};

} // namespace

caf::result<caf::actor> spawn_registered(registry_pointer self,
                                         registry_key& key, metadata& meta,
                                         const spawner& fn, bool reuse) {
  auto answer = std::make_shared<spawn_answer>();
  spawn_then(self, {std::move(key), std::move(meta), fn, reuse},
             [answer](caf::expected<caf::actor> x) {
               if (!answer->delegated)
                 answer->now = std::move(x);
               else if (x)
                 answer->promise.deliver(std::move(*x));
               else
                 answer->promise.deliver(std::move(x.error()));
             });
  if (answer->now) {
    if (*answer->now)
      return std::move(**answer->now);
    return std::move(answer->now->error());
  }
  answer->delegated = true;
  answer->promise = self->make_response_promise();
  return answer->promise;
}

} // namespace libregistry::detail
