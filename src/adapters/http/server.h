// The HTTP/WebSocket server (Boost.Beast underneath, hidden from includers).
// Contract:
//  - /api/* and /healthz go to the Handler; WebSocket upgrades on ws_path go
//    through the WsAuthorizer; other GET/HEAD requests are static files under
//    static_root (index.html for directories, no path escapes the root).
//  - Limits: header bytes, body bytes (413), whole-request read timeout (slow
//    clients), idle keep-alive timeout, maximum connections.
//  - run() blocks until stop() or SIGINT/SIGTERM: it then stops accepting,
//    lets in-flight requests finish (up to drain_timeout), closes WebSockets
//    and returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adapters/http/http_types.h"

namespace tongdai::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int io_threads = 2;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::chrono::seconds request_timeout{30};   // whole request must arrive within this
  std::chrono::seconds idle_timeout{75};      // keep-alive connection with no request
  std::chrono::seconds drain_timeout{10};
  std::size_t max_connections = 4096;
  std::size_t ws_max_queue = 1024;            // messages queued for a slow WebSocket client
  std::string static_root;                    // "" disables static files
  std::string ws_path = "/api/v1/events";
  bool handle_signals = true;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler, WsAuthorizer ws_authorizer);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; returns an error text or "" on success.
  std::string listen();
  std::uint16_t boundPort() const;
  // Serves until stop() or a signal. Call after listen().
  void run();
  void stop();
  // Sends a text frame to every WebSocket client whose tag passes `filter`.
  void broadcast(const std::string& text, const std::function<bool(const std::string& tag)>& filter);
  std::size_t webSocketClients() const;

 struct Impl;  // public so the .cc's session classes can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongdai::http
