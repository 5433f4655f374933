#include <libregistry/backends/etcd/detail/etcd_watch.hpp>

#include <chrono>

#include <absl/strings/escaping.h>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <libregistry/backends/etcd/detail/etcd_access.hpp>
#include <libregistry/backends/etcd/detail/gateway_json.hpp>

namespace libregistry::etcd::detail {

namespace {

using json = nlohmann::json;

/// What the curl write callback needs: the partial line so far, and the
/// watch to hand complete lines to.
struct stream_state {
  std::string pending;
  std::function<bool(const std::string&)> consume;
  bool broken = false;
};

size_t on_data(char* data, size_t size, size_t n, void* user) {
  auto& st = *static_cast<stream_state*>(user);
  if (!split_watch_stream(st.pending, data, size * n, st.consume)) {
    st.broken = true;
    return 0; // aborts the transfer
  }
  return size * n;
}

} // namespace

etcd_watch::etcd_watch(client_options opts, std::string key,
                       std::string range_end, int64_t start_revision,
                       event_handler on_events, compaction_handler on_compacted)
    : opts_(std::move(opts)), key_(std::move(key)),
      range_end_(std::move(range_end)), on_events_(std::move(on_events)),
      on_compacted_(std::move(on_compacted)), revision_(start_revision) {
  etcd_client warm_up{opts_}; // initializes libcurl once, before the thread
  thread_ = std::thread{[this] { run(); }};
}

etcd_watch::~etcd_watch() {
  stop_ = true;
  thread_.join();
}

watch_message parse_watch_line(const std::string& line) {
  watch_message msg;
  auto doc = json::parse(line, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("result") ||
      !doc["result"].is_object())
    return msg;
  auto& result = object_field(doc, "result");
  msg.revision = header_revision(result);
  if (bool_field(result, "canceled")) {
    msg.type = watch_message::kind::canceled;
    msg.compact_revision = int_field(result, "compact_revision");
    return msg;
  }
  if (bool_field(result, "created")) {
    msg.type = watch_message::kind::created;
    return msg;
  }
  auto& events = array_field(result, "events");
  if (events.empty()) {
    msg.type = watch_message::kind::progress;
    return msg;
  }
  if (msg.revision <= 0)
    return msg;
  msg.events.reserve(events.size());
  for (auto& ev : events) {
    auto& kv = object_field(ev, "kv");
    watch_event change;
    change.type = string_field(ev, "type", "") == "DELETE"
                      ? watch_event::kind::erase
                      : watch_event::kind::put;
    change.kv = to_key_value(kv);
    if (change.kv.key.empty()) {
      msg.events.clear();
      return msg;
    }
    msg.events.push_back(std::move(change));
  }
  msg.type = watch_message::kind::events;
  return msg;
}

bool split_watch_stream(
    std::string& pending, const char* data, size_t size,
    const std::function<bool(const std::string&)>& consume) {
  pending.append(data, size);
  size_t start = 0;
  for (auto eol = pending.find('\n'); eol != std::string::npos;
       eol = pending.find('\n', start)) {
    auto line = pending.substr(start, eol - start);
    start = eol + 1;
    if (!line.empty() && !consume(line)) {
      pending.erase(0, start);
      return false;
    }
  }
  pending.erase(0, start);
  return true;
}

bool etcd_watch::consume(const std::string& line) {
  auto msg = parse_watch_line(line);
  switch (msg.type) {
  case watch_message::kind::malformed:
    return false;
  case watch_message::kind::canceled:
    if (msg.compact_revision > 0)
      revision_ = on_compacted_();
    return false;
  case watch_message::kind::created:
    connected_ = true;
    ++connections_;
    return true;
  case watch_message::kind::progress:
    if (msg.revision > revision_)
      revision_ = msg.revision;
    return true;
  case watch_message::kind::events:
    on_events_(msg.events, msg.revision);
    revision_ = msg.revision;
    return true;
  }
  return false;
}

void etcd_watch::run() {
  auto n = opts_.endpoints.size();
  etcd_client auth{opts_};
  etcd_access access{opts_};
  for (size_t attempt = 0; !stop_ && n > 0; ++attempt) {
    // Each connection gets a fresh token: etcd checks it only when the
    // watch is created, and forgets unused ones.
    if (!opts_.user.empty()) {
      auto token = auth.fresh_token();
      if (!token || access.keep_token(std::move(*token))) {
        pause();
        continue;
      }
    }
    json create{{"key", absl::Base64Escape(key_)},
                {"range_end", absl::Base64Escape(range_end_)},
                {"start_revision", std::to_string(revision_ + 1)},
                {"progress_notify", true}};
    auto request = json{{"create_request", create}}.dump();
    auto url = opts_.endpoints[attempt % n] + "/v3/watch";
    stream_state st;
    st.consume = [this](const std::string& line) { return consume(line); };
    auto easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 500L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &st);
    access.prepare(easy);
    auto multi = curl_multi_init();
    curl_multi_add_handle(multi, easy);
    int running = 1;
    while (!stop_ && running > 0 && !st.broken) {
      curl_multi_perform(multi, &running);
      if (running > 0)
        curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    curl_multi_remove_handle(multi, easy);
    curl_multi_cleanup(multi);
    curl_easy_cleanup(easy);
    connected_ = false;
    pause();
  }
}

void etcd_watch::pause() {
  for (int i = 0; i < 2 && !stop_; ++i) // 100 ms, stoppable
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

} // namespace libregistry::etcd::detail
