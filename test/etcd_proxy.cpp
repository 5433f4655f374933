#include "etcd_proxy.hpp"

#include <string_view>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace libregistry::test {

namespace {

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

/// A connection to `port` on 127.0.0.1, or -1.
int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    auto sent = ::send(fd, data, n, MSG_NOSIGNAL);
    if (sent <= 0)
      return false;
    data += sent;
    n -= static_cast<size_t>(sent);
  }
  return true;
}

bool readable(const pollfd& x) {
  return (x.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

} // namespace

etcd_proxy::etcd_proxy(const std::string& member) {
  target_port_ = std::stoi(member.substr(member.rfind(':') + 1));
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(0);
  socklen_t len = sizeof(addr);
  ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(listener_, 64);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread{[this] { accept_loop(); }};
}

etcd_proxy::~etcd_proxy() {
  stop_ = true;
  acceptor_.join();
  ::close(listener_);
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& x : relays_)
    x.join();
}

std::string etcd_proxy::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void etcd_proxy::set(traffic t, mode m) {
  (t == traffic::watch ? watch_ : requests_) = m;
}

void etcd_proxy::set_all(mode m) {
  set(traffic::watch, m);
  set(traffic::requests, m);
}

etcd_proxy::mode etcd_proxy::mode_of(traffic t) const {
  return t == traffic::watch ? watch_.load() : requests_.load();
}

void etcd_proxy::accept_loop() {
  while (!stop_) {
    pollfd x{listener_, POLLIN, 0};
    if (::poll(&x, 1, 50) <= 0)
      continue;
    int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0)
      continue;
    std::lock_guard<std::mutex> guard{mtx_};
    relays_.emplace_back([this, client] { relay(client); });
  }
}

void etcd_proxy::relay(int client) {
  int server = connect_to(target_port_);
  bool known = false;
  bool tainted = false; // answers were dropped: the stream is broken
  auto kind = traffic::requests;
  char buf[16384];
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  while (server >= 0 && !stop_) {
    if (known) {
      auto m = mode_of(kind);
      if (m == mode::cut || (m == mode::pass && tainted))
        break;
    }
    if (::poll(fds, 2, 50) < 0)
      break;
    if (readable(fds[0])) {
      auto n = ::read(client, buf, sizeof(buf));
      if (n <= 0)
        break;
      if (!known) {
        known = true;
        if (std::string_view(buf, static_cast<size_t>(n))
                .rfind("POST /v3/watch", 0) == 0)
          kind = traffic::watch;
      }
      // Read again after the wait: a request sent after the test cut the
      // traffic must not reach the member.
      if (mode_of(kind) == mode::cut)
        break;
      if (!write_all(server, buf, static_cast<size_t>(n)))
        break;
    }
    if (readable(fds[1])) {
      auto n = ::read(server, buf, sizeof(buf));
      if (n <= 0)
        break;
      // The mode is read again: bytes the member sent after the test
      // changed it must not pass.
      auto m = mode_of(kind);
      if (m == mode::cut)
        break;
      if (m == mode::mute)
        tainted = true;
      else if (!write_all(client, buf, static_cast<size_t>(n)))
        break;
    }
  }
  ::close(client);
  if (server >= 0)
    ::close(server);
}

} // namespace libregistry::test
