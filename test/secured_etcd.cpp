#include "secured_etcd.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_process.hpp"
#include "etcd_cluster.hpp"
#include <libregistry/metadata.hpp>

namespace libregistry::test {

namespace {

/// Makes the certificates of `secured_etcd` in the current directory.
const char* make_certificates = R"(
set -e
ca() { openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
         -keyout "$2.key" -out "$2.pem"; }
signed() { # NAME CA SUBJECT EXTENSIONS
  openssl req -newkey rsa:2048 -nodes -subj "$3" -keyout "$1.key" \
    -out "$1.csr"
  printf '%b' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" \
    -CAcreateserial -days 2 -extfile "$1.ext" -out "$1.pem"
}
ca test-ca ca
ca other-ca other-ca
signed server ca /CN=etcd \
  'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n'
signed client ca /O=libregistry-test 'extendedKeyUsage=clientAuth\n'
signed other other-ca /O=libregistry-test 'extendedKeyUsage=clientAuth\n'
)";

} // namespace

secured_etcd::secured_etcd(std::chrono::seconds token_ttl) {
  std::random_device rd;
  dir_ = (std::filesystem::temp_directory_path() /
          ("etcd-secured-" + std::to_string(::getpid()) + "-" +
           std::to_string(rd())))
             .string();
  std::filesystem::create_directories(dir_);
  std::ofstream{file("certs.sh")} << make_certificates;
  if (!run("bash certs.sh >certs.log 2>&1"))
    return;
  auto ports = free_ports(2);
  client_port_ = ports[0];
  auto peer = "http://127.0.0.1:" + std::to_string(ports[1]);
  std::vector<std::string> args{"etcd",
                                "--name=secured",
                                "--data-dir=" + dir_ + "/data",
                                "--listen-client-urls=" + endpoint(),
                                "--advertise-client-urls=" + endpoint(),
                                "--listen-peer-urls=" + peer,
                                "--initial-advertise-peer-urls=" + peer,
                                "--initial-cluster=secured=" + peer,
                                "--cert-file=" + file("server.pem"),
                                "--key-file=" + file("server.key"),
                                "--trusted-ca-file=" + file("ca.pem"),
                                "--client-cert-auth",
                                "--auth-token-ttl=" +
                                    std::to_string(token_ttl.count()),
                                "--heartbeat-interval=50",
                                "--election-timeout=500"};
  auto log = file("etcd.log");
  auto fd =
      ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_ = spawn_child(args, {-1, fd, fd});
  if (fd >= 0)
    ::close(fd);
  auto etcdctl = "ETCDCTL_API=3 etcdctl --endpoints=" + endpoint() +
                 " --cacert ca.pem --cert client.pem --key client.key ";
  bool answered = false;
  for (int i = 0; i < 100 && !answered; ++i) {
    answered = run(etcdctl + "endpoint health >/dev/null 2>&1");
    if (!answered)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ready_ = answered && run("(" + etcdctl + "user add root:rootpw && " +
                           etcdctl + "user grant-role root root && " + etcdctl +
                           "role add app && " + etcdctl +
                           "role grant-permission app readwrite "
                           "--prefix=true /app/ && " +
                           etcdctl + "user add app:secret && " + etcdctl +
                           "user grant-role app app && " + etcdctl +
                           "auth enable) >auth.log 2>&1");
}

secured_etcd::~secured_etcd() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string secured_etcd::endpoint() const {
  return "https://127.0.0.1:" + std::to_string(client_port_);
}

std::string secured_etcd::file(const std::string& name) const {
  return dir_ + "/" + name;
}

caf::settings secured_etcd::options() const {
  static std::atomic<int> nodes{0};
  caf::settings result;
  result["endpoints"] = metadata_value{endpoint()};
  result["prefix"] = metadata_value{"/app/" + std::to_string(::getpid()) + "-" +
                                    std::to_string(++nodes) + "/"};
  result["ca-file"] = metadata_value{file("ca.pem")};
  result["cert-file"] = metadata_value{file("client.pem")};
  result["key-file"] = metadata_value{file("client.key")};
  result["user"] = metadata_value{"app"};
  result["password"] = metadata_value{"secret"};
  result["lease-ttl"] = metadata_value{caf::timespan{std::chrono::seconds{2}}};
  return result;
}

bool secured_etcd::run(const std::string& command) const {
  return std::system(("cd '" + dir_ + "' && " + command).c_str()) == 0;
}

} // namespace libregistry::test
