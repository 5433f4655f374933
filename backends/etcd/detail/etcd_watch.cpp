#include <libregistry/backends/etcd/detail/etcd_watch.hpp>

#include <chrono>

#include <absl/strings/escaping.h>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

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
  st.pending.append(data, size * n);
  for (auto eol = st.pending.find('\n'); eol != std::string::npos;
       eol = st.pending.find('\n')) {
    auto line = st.pending.substr(0, eol);
    st.pending.erase(0, eol + 1);
    if (!line.empty() && !st.consume(line)) {
      st.broken = true;
      return 0; // aborts the transfer
    }
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

bool etcd_watch::consume(const std::string& line) {
  auto msg = json::parse(line, nullptr, false);
  if (msg.is_discarded() || !msg.contains("result"))
    return false;
  auto& result = msg["result"];
  if (result.value("canceled", false)) {
    if (int_field(result, "compact_revision") > 0)
      revision_ = on_compacted_();
    return false;
  }
  if (result.value("created", false)) {
    connected_ = true;
    ++connections_;
    return true;
  }
  auto revision = int_field(result.value("header", json::object()), "revision");
  auto events = result.value("events", json::array());
  if (events.empty()) { // a progress notification: nothing is pending
    if (revision > revision_)
      revision_ = revision;
    return true;
  }
  std::vector<watch_event> changes;
  changes.reserve(events.size());
  for (auto& ev : events) {
    auto& kv = ev["kv"];
    watch_event change;
    change.type = ev.value("type", std::string{}) == "DELETE"
                      ? watch_event::kind::erase
                      : watch_event::kind::put;
    change.kv = to_key_value(kv);
    changes.push_back(std::move(change));
  }
  on_events_(changes, revision);
  revision_ = revision;
  return true;
}

void etcd_watch::run() {
  auto n = opts_.endpoints.size();
  for (size_t attempt = 0; !stop_ && n > 0; ++attempt) {
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
    for (int i = 0; i < 2 && !stop_; ++i) // pause 100 ms, stoppable
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

} // namespace libregistry::etcd::detail
