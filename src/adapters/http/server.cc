// Boost.Beast server: one acceptor, N io threads, callback style (no
// coroutines: they cost compile time and buy little here).
#include "adapters/http/server.h"

#include <utility>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace tongdai::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

namespace {

const char* mimeType(const std::string& path) {
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "map") return "application/json";
  return "application/octet-stream";
}

std::string errorJson(const char* code, const char* vi, const char* en, bool english) {
  std::string msg = english ? en : vi;
  return std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + msg + "\"}}";
}

bool prefersEnglish(const bhttp::request_header<>& h) {
  auto it = h.find(bhttp::field::accept_language);
  return it != h.end() && it->value().substr(0, 2) == "en";
}

}  // namespace

class WsSession;

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  WsAuthorizer ws_authorizer;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc};
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};
  mutable std::mutex ws_mutex;
  std::set<std::shared_ptr<WsSession>> ws_sessions;

  Impl(ServerOptions o, Handler h, WsAuthorizer w)
      : options(std::move(o)), handler(std::move(h)), ws_authorizer(std::move(w)) {}

  void doAccept();
  void beginShutdown();
  void addWs(const std::shared_ptr<WsSession>& s);
  void removeWs(const std::shared_ptr<WsSession>& s);
};

// ----------------------------------------------------------------- WebSocket

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(Server::Impl& server, beast::tcp_stream&& stream, std::string tag)
      : server_(server), ws_(std::move(stream)), tag_(std::move(tag)) {}
  ~WsSession() { server_.connections--; }

  const std::string& tag() const { return tag_; }

  void run(bhttp::request<bhttp::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(64 * 1024);
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->server_.addWs(self);
      self->doRead();
    });
  }

  void send(std::shared_ptr<const std::string> text) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)] {
      if (self->closed_) return;
      if (self->queue_.size() >= self->server_.options.ws_max_queue) {
        // A client that cannot keep up is dropped rather than buffered forever.
        self->closeNow();
        return;
      }
      self->queue_.push_back(text);
      if (self->queue_.size() == 1) self->doWrite();
    });
  }

  void close() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closed_) return;
      self->closed_ = true;
      self->ws_.async_close(websocket::close_code::going_away, [self](beast::error_code) {});
    });
  }

 private:
  void closeNow() {
    closed_ = true;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  void doRead() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->closed_ = true;
        self->server_.removeWs(self);
        return;
      }
      // Clients only listen; whatever they send (pings are handled by Beast) is dropped.
      self->buffer_.consume(self->buffer_.size());
      self->doRead();
    });
  }

  void doWrite() {
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) {
                        self->closed_ = true;
                        self->server_.removeWs(self);
                        return;
                      }
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) self->doWrite();
                    });
  }

  Server::Impl& server_;
  websocket::stream<beast::tcp_stream> ws_;
  std::string tag_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool closed_ = false;
};

void Server::Impl::addWs(const std::shared_ptr<WsSession>& s) {
  std::lock_guard lock(ws_mutex);
  if (stopping) {
    s->close();
    return;
  }
  ws_sessions.insert(s);
}

void Server::Impl::removeWs(const std::shared_ptr<WsSession>& s) {
  std::lock_guard lock(ws_mutex);
  ws_sessions.erase(s);
}

// ---------------------------------------------------------------------- HTTP

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Server::Impl& server, tcp::socket&& socket)
      : server_(server), stream_(std::move(socket)) {}
  ~HttpSession() {
    if (!handed_to_ws_) server_.connections--;
  }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->doRead(); });
  }

 private:
  void doRead() {
    if (server_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    // First request on a connection: the request timeout; later ones: idle + request.
    stream_.expires_after(first_ ? server_.options.request_timeout
                                 : server_.options.idle_timeout + server_.options.request_timeout);
    first_ = false;
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->onRead(ec);
                      });
  }

  void onRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return close();
    }
    if (ec == bhttp::error::body_limit) {
      return sendRaw(413, errorJson("body_too_large", "Nội dung gửi lên quá lớn.",
                                    "Request body too large.", false),
                     true);
    }
    if (ec == bhttp::error::header_limit) {
      return sendRaw(431, errorJson("headers_too_large", "Phần đầu yêu cầu quá lớn.",
                                    "Request headers too large.", false),
                     true);
    }
    if (ec) {
      return sendRaw(400, errorJson("bad_request", "Yêu cầu HTTP không hợp lệ.",
                                    "Malformed HTTP request.", false),
                     true);
    }
    stream_.expires_never();
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();
    english_ = prefersEnglish(req);
    // Remembered for the answer: a HEAD response carries no body (RFC 9110 9.3.2),
    // or a keep-alive client reads it as the start of the next response.
    is_head_ = req.method() == bhttp::verb::head;
    std::string target(req.target());
    std::string path = percentDecode(target.substr(0, target.find('?')), false);

    if (websocket::is_upgrade(req)) return upgrade(std::move(req), path);
    if (path.rfind("/api/", 0) == 0 || path == "/healthz") return dispatchToApp(std::move(req), path);
    serveStatic(req, path);
  }

  Request toRequest(bhttp::request<bhttp::string_body>& req, const std::string& path) {
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.path = path;
    auto q = r.target.find('?');
    if (q != std::string::npos) r.query = parseQuery(std::string_view(r.target).substr(q + 1));
    for (auto& f : req) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      auto [it, inserted] = r.headers.emplace(name, std::string(f.value()));
      if (!inserted) it->second += ", " + std::string(f.value());
    }
    r.body = std::move(req.body());
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) r.remote_address = ep.address().to_string();
    return r;
  }

  void dispatchToApp(bhttp::request<bhttp::string_body>&& req, const std::string& path) {
    server_.in_flight++;
    // The reply holds the session alive until the application answers.
    auto self = shared_from_this();
    auto executor = stream_.get_executor();
    auto replied = std::make_shared<std::atomic<bool>>(false);
    Reply reply = [self, executor, replied](Response res) {
      if (replied->exchange(true)) return;  // exactly once
      // dispatch: inline when the handler answered on the connection's own
      // strand (reads), queued when it answers from the writer thread.
      asio::dispatch(executor, [self, res = std::move(res)]() mutable {
        self->server_.in_flight--;
        self->sendResponse(std::move(res));
      });
    };
    try {
      server_.handler(toRequest(req, path), reply);
    } catch (...) {
      Response res;
      res.status = 500;
      res.body = errorJson("internal", "Lỗi máy chủ, vui lòng thử lại.", "Internal error.", english_);
      reply(std::move(res));
    }
  }

  void sendResponse(Response res) {
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>();
    msg->version(11);
    msg->result(static_cast<unsigned>(res.status));
    msg->set(bhttp::field::server, "tongdai");
    msg->set(bhttp::field::content_type, res.content_type);
    msg->set(bhttp::field::cache_control, "no-store");
    msg->set("X-Content-Type-Options", "nosniff");
    for (auto& [k, v] : res.headers) msg->insert(k, v);
    msg->body() = std::move(res.body);
    msg->keep_alive(keep_alive_ && !res.close && !server_.stopping);
    msg->prepare_payload();
    if (is_head_) msg->body().clear();  // Content-Length stays: the size a GET would get
    write(msg);
  }

  void sendRaw(int status, std::string body, bool close_after) {
    Response res;
    res.status = status;
    res.body = std::move(body);
    res.close = close_after;
    keep_alive_ = false;
    sendResponse(std::move(res));
  }

  template <class Msg>
  void write(std::shared_ptr<Msg> msg) {
    stream_.expires_after(server_.options.request_timeout);
    bool keep = msg->keep_alive();
    bhttp::async_write(stream_, *msg,
                       [self = shared_from_this(), msg, keep](beast::error_code ec, std::size_t) {
                         if (ec || !keep) return self->close();
                         self->doRead();
                       });
  }

  void upgrade(bhttp::request<bhttp::string_body>&& req, const std::string& path) {
    if (path != server_.options.ws_path) {
      return sendRaw(404, errorJson("not_found", "Không tìm thấy.", "Not found.", english_), true);
    }
    std::string tag;
    Response refusal;
    Request r = toRequest(req, path);
    if (!server_.ws_authorizer || !server_.ws_authorizer(r, tag, refusal)) {
      refusal.close = true;
      keep_alive_ = false;
      return sendResponse(std::move(refusal));
    }
    handed_to_ws_ = true;
    auto ws = std::make_shared<WsSession>(server_, std::move(stream_), std::move(tag));
    ws->run(std::move(req));
  }

  void serveStatic(const bhttp::request<bhttp::string_body>& req, const std::string& path) {
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
      // A 405 must say what is allowed (RFC 9110 15.5.6).
      Response res;
      res.status = 405;
      res.headers.emplace_back("Allow", "GET, HEAD");
      res.body = errorJson("method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed.",
                           english_);
      return sendResponse(std::move(res));
    }
    const std::string& root = server_.options.static_root;
    // Refuse anything that could climb out of the root.
    if (root.empty() || path.find("..") != std::string::npos || path.find('\0') != std::string::npos ||
        path.empty() || path[0] != '/') {
      return notFound();
    }
    std::string file = root + path;
    if (file.back() == '/') file += "index.html";
    // Only regular files: a directory opens as an empty stream and would be
    // served as an empty 200.
    std::error_code fs_ec;
    std::ifstream in;
    if (std::filesystem::is_regular_file(file, fs_ec)) in.open(file, std::ios::binary);
    if (!in.is_open()) {
      // Single-page desks: unknown paths without an extension get index.html.
      if (path.find('.') == std::string::npos) {
        file = root + "/index.html";
        in.open(file, std::ios::binary);
      }
      if (!in.is_open()) return notFound();
    }
    std::ostringstream content;
    content << in.rdbuf();
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>();
    msg->version(11);
    msg->result(bhttp::status::ok);
    msg->set(bhttp::field::server, "tongdai");
    msg->set(bhttp::field::content_type, mimeType(file));
    msg->set(bhttp::field::cache_control, "no-cache");
    msg->set("X-Content-Type-Options", "nosniff");
    msg->set("X-Frame-Options", "DENY");
    msg->set("Referrer-Policy", "no-referrer");
    msg->set("Content-Security-Policy",
             "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
             "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    msg->body() = content.str();
    msg->keep_alive(keep_alive_ && !server_.stopping);
    msg->prepare_payload();
    if (req.method() == bhttp::verb::head) msg->body().clear();
    write(msg);
  }

  void notFound() {
    sendRaw(404, errorJson("not_found", "Không tìm thấy trang.", "Page not found.", english_), false);
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool keep_alive_ = true;
  bool english_ = false;
  bool is_head_ = false;
  bool first_ = true;
  bool handed_to_ws_ = false;
};

void Server::Impl::doAccept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping) return;
    if (!ec) {
      if (connections >= options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);  // over the limit: refuse rather than degrade everyone
      } else {
        connections++;
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<HttpSession>(*this, std::move(socket))->start();
      }
    }
    doAccept();
  });
}

void Server::Impl::beginShutdown() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  std::set<std::shared_ptr<WsSession>> ws;
  {
    std::lock_guard lock(ws_mutex);
    ws.swap(ws_sessions);
  }
  for (auto& s : ws) s->close();
  // Drain: wait for in-flight requests, then stop the loop.
  auto timer = std::make_shared<asio::steady_timer>(ioc);
  auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [this, timer, deadline, poll] {
    if (in_flight == 0 || std::chrono::steady_clock::now() >= deadline) {
      // Give the last responses a moment to be written.
      timer->expires_after(std::chrono::milliseconds(50));
      timer->async_wait([this, poll](beast::error_code) {
        ioc.stop();
        *poll = nullptr;
      });
      return;
    }
    timer->expires_after(std::chrono::milliseconds(10));
    timer->async_wait([poll](beast::error_code) {
      if (*poll) (*poll)();
    });
  };
  (*poll)();
}

Server::Server(ServerOptions options, Handler handler, WsAuthorizer ws_authorizer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(ws_authorizer))) {}

Server::~Server() = default;

std::string Server::listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return "invalid listen address: " + impl_->options.host;
  tcp::endpoint endpoint{address, impl_->options.port};
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                 ": " + ec.message();
  return "";
}

std::uint16_t Server::boundPort() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::run() {
  if (impl_->options.handle_signals) {
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) impl_->beginShutdown();
    });
  }
  impl_->doAccept();
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, impl_->options.io_threads); ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->beginShutdown(); });
}

void Server::broadcast(const std::string& text,
                       const std::function<bool(const std::string&)>& filter) {
  auto shared = std::make_shared<const std::string>(text);
  std::lock_guard lock(impl_->ws_mutex);
  for (auto& s : impl_->ws_sessions) {
    if (!filter || filter(s->tag())) s->send(shared);
  }
}

std::size_t Server::webSocketClients() const {
  std::lock_guard lock(impl_->ws_mutex);
  return impl_->ws_sessions.size();
}

}  // namespace tongdai::http
