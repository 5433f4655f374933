#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <libregistry/backends/etcd/detail/etcd_client.hpp>

namespace libregistry::etcd::detail {

/// How one connection to etcd proves itself: the TLS files of
/// `client_options::tls` on every transfer, and, with a `user`, the token
/// etcd's authentication gave, sent as the `Authorization` header. etcd
/// expires a token after its `--auth-token-ttl` (300 s by default) without
/// use; a call refused for its token drops it, and the caller
/// authenticates again (`needs_token`). Not thread-safe: one per client.
class etcd_access {
public:
  explicit etcd_access(const client_options& opts);
  ~etcd_access();

  etcd_access(const etcd_access&) = delete;
  etcd_access& operator=(const etcd_access&) = delete;

  const client_options& options() const { return opts_; }

  /// Sets the TLS files and the token header (if a token is held) on
  /// `curl`, and curl's error buffer (`curl_detail`).
  void prepare(CURL* curl);

  /// What curl said about the last failed transfer, beyond its code.
  const char* curl_detail() const { return error_buffer_; }

  /// Whether a user is configured and no token is held.
  bool needs_token() const { return !opts_.user.empty() && token_.empty(); }

  /// The request of `/v3/auth/authenticate`.
  nlohmann::json credentials() const;

  /// Keeps `token`, an authentication's; `access_denied` if it is empty.
  caf::error keep_token(std::string token);

  /// Forgets the token: the next call authenticates first.
  void drop_token();

  /// The token held; empty if none.
  const std::string& token() const { return token_; }

private:
  const client_options& opts_;
  std::string token_;
  curl_slist* headers_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

/// The error for a transfer to `url` that curl failed with `rc`, `detail`
/// being its error buffer: `access_denied` (and `transient` false) when a
/// certificate was refused, by this node (etcd's is not trusted, or a file
/// of `tls` cannot be used) or by etcd (it sent a TLS alert); else
/// `unavailable` (`transient` true).
caf::error transfer_failure(const std::string& url, CURLcode rc,
                            const char* detail, bool& transient);

/// How a call's error answer with gRPC `code` and etcd's `message` reads
/// when etcd refused access: `access_denied`, saying what to check, for a
/// refused user or password, a missing authentication, a denied
/// permission, or authentication disabled while a user is configured;
/// `token_expired` for a token etcd no longer knows (the caller
/// authenticates again); none for any other answer.
caf::error refused_access(int64_t code, const std::string& message,
                          const client_options& opts, bool& token_expired);

/// etcd's answer when its JSON gateway refuses a client certificate that
/// has a CommonName (etcd 3.4 with `--client-cert-auth`): `access_denied`
/// saying so, or none for any other body.
caf::error gateway_refused_certificate(const std::string& url,
                                       const std::string& body);

} // namespace libregistry::etcd::detail
