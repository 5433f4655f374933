#include <libregistry/backends/etcd/detail/etcd_access.hpp>

#include <cstring>

#include <libregistry/backends/etcd/detail/gateway_json.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::etcd::detail {

namespace {

/// gRPC status codes etcd answers with when it refuses access.
constexpr int64_t invalid_argument = 3;
constexpr int64_t permission_denied = 7;
constexpr int64_t failed_precondition = 9;
constexpr int64_t unauthenticated = 16;

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

caf::error denied(const std::string& what) {
  return make_error(registry_errc::access_denied, "etcd: " + what);
}

} // namespace

etcd_access::etcd_access(const client_options& opts) : opts_(opts) {}

etcd_access::~etcd_access() {
  curl_slist_free_all(headers_);
}

void etcd_access::prepare(CURL* curl) {
  auto file = [&](CURLoption option, const std::string& path) {
    if (!path.empty())
      curl_easy_setopt(curl, option, path.c_str());
  };
  file(CURLOPT_CAINFO, opts_.tls.ca_file);
  file(CURLOPT_SSLCERT, opts_.tls.cert_file);
  file(CURLOPT_SSLKEY, opts_.tls.key_file);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER,
                   token_.empty() ? nullptr : headers_);
  error_buffer_[0] = '\0';
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer_);
}

nlohmann::json etcd_access::credentials() const {
  return {{"name", opts_.user}, {"password", opts_.password}};
}

caf::error etcd_access::keep_token(std::string token) {
  if (token.empty())
    return denied("the authentication of user '" + opts_.user +
                  "' gave no token");
  drop_token();
  token_ = std::move(token);
  headers_ = curl_slist_append(nullptr, ("Authorization: " + token_).c_str());
  return caf::none;
}

void etcd_access::drop_token() {
  token_.clear();
  curl_slist_free_all(headers_);
  headers_ = nullptr;
}

caf::error transfer_failure(const std::string& url, CURLcode rc,
                            const char* detail, bool& transient) {
  std::string text = *detail != '\0' ? detail : curl_easy_strerror(rc);
  transient = false;
  switch (rc) {
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
    return denied(url +
                  ": etcd's certificate is not trusted (check "
                  "ca-file): " +
                  text);
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
    return denied(url +
                  ": this node's certificate or key cannot be used "
                  "(check cert-file and key-file): " +
                  text);
  default:
    break;
  }
  // etcd refusing this node's certificate sends a TLS alert, which arrives
  // during the handshake or, with TLS 1.3, at the first read.
  if (contains(text, "alert"))
    return denied(url +
                  ": etcd refused this node's certificate (check "
                  "cert-file and key-file against etcd's "
                  "trusted-ca-file): " +
                  text);
  transient = true;
  return make_error(registry_errc::unavailable, url + ": " + text);
}

caf::error refused_access(int64_t code, const std::string& message,
                          const client_options& opts, bool& token_expired) {
  token_expired = false;
  auto user = "user '" + opts.user + "'";
  switch (code) {
  case unauthenticated:
    if (opts.user.empty())
      return denied(message + " (set user and password)");
    token_expired = true;
    return denied(user + ": " + message);
  case permission_denied:
    return denied(message + ": " + (opts.user.empty() ? "no user" : user) +
                  " may not do this on the prefix (grant its role "
                  "readwrite on the prefix)");
  case invalid_argument:
    if (contains(message, "authentication failed"))
      return denied(user + " or its password was refused: " + message);
    if (contains(message, "user name is empty"))
      return denied("etcd requires authentication (set user and "
                    "password): " +
                    message);
    return caf::none;
  case failed_precondition:
    if (contains(message, "authentication is not enabled"))
      return denied(user + " is configured, but " + message +
                    " (remove user and password, or enable "
                    "authentication in etcd)");
    return caf::none;
  default:
    return caf::none;
  }
}

caf::error gateway_refused_certificate(const std::string& url,
                                       const std::string& body) {
  if (body.rfind("CommonName of client", 0) != 0)
    return caf::none;
  return denied(url + ": etcd's JSON gateway refuses a client certificate "
                      "that has a CommonName while etcd checks client "
                      "certificates; use one whose subject has no CN, and "
                      "user and password for authentication");
}

} // namespace libregistry::etcd::detail
