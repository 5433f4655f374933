#pragma once

#include <chrono>
#include <string>

#include <caf/settings.hpp>
#include <sys/types.h>

namespace libregistry::test {

/// One etcd member for the tests of a secured deployment, in a fresh
/// directory:
/// - client traffic over TLS only, client certificates required: a CA
///   (`ca.pem`), etcd's certificate for 127.0.0.1, and a client certificate
///   without CommonName (`client.pem`, `client.key`), all made with the
///   openssl command line; beside them a second CA (`other-ca.pem`) with a
///   client certificate of its own (`other.pem`, `other.key`) that etcd
///   does not trust;
/// - authentication on: user `app` (password `secret`), whose role may read
///   and write keys under `/app/`, and `root`. Tokens expire after
///   `token_ttl` unused.
/// The member is killed and the directory removed on destruction.
class secured_etcd {
public:
  explicit secured_etcd(std::chrono::seconds token_ttl = std::chrono::seconds{
                            300});
  ~secured_etcd();

  secured_etcd(const secured_etcd&) = delete;
  secured_etcd& operator=(const secured_etcd&) = delete;

  /// Whether etcd answered over TLS and authentication was enabled.
  bool ready() const { return ready_; }

  /// The `https://` client URL.
  std::string endpoint() const;

  /// The path of the file `name` of the directory (see above).
  std::string file(const std::string& name) const;

  /// Options of the etcd backend for a node of user `app` with the trusted
  /// client certificate, under a key prefix of `/app/` no other call gave.
  caf::settings options() const;

private:
  /// Runs `command` in a shell in the directory; true on exit status 0.
  bool run(const std::string& command) const;

  std::string dir_;
  int client_port_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
};

} // namespace libregistry::test
