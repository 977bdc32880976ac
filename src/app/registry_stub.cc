#include "app/registry_stub.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "adapters/http/server.h"
#include "adapters/national/http_registry.h"
#include "app/registry_open.h"
#include "app/security.h"
#include "core/registry/json.h"

namespace tongdai::app {

namespace reg = core::registry;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kAccessLogSize = 1000;

bool startsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// dump() throws on invalid UTF-8 by default; the stub must answer regardless.
std::string dumpJson(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

http::Response jsonResponse(int status, const json& body) {
  http::Response res;
  res.status = status;
  res.body = dumpJson(body);
  return res;
}

// The contract's error body: {"error":{"code","message","message_en","field"?}}.
http::Response errorResponse(int status, const std::string& code, const std::string& vi,
                             const std::string& en, const std::string& field = "") {
  json e = {{"code", code}, {"message", vi}, {"message_en", en}};
  if (!field.empty()) e["field"] = field;
  return jsonResponse(status, json{{"error", e}});
}

http::Response methodNotAllowed(const char* allow) {
  auto res = errorResponse(405, "method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed.");
  res.headers.emplace_back("Allow", allow);
  return res;
}

http::Response noSuchEndpoint() {
  // Not "not_found": clients read that code as "no such person", and a wrong
  // path must not look like one.
  return errorResponse(404, "no_such_endpoint", "Không có điểm truy cập này.", "No such endpoint.");
}

http::Response backendFailure(const core::Error& e) {
  auto res = errorResponse(503, "unavailable", e.message_vi, e.message_en);
  res.headers.emplace_back("Retry-After", "5");
  return res;
}

// ------------------------------------------------------------------ rate limit

// Classic token bucket: `rate` tokens a second up to `burst`.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(std::max(1.0, burst)), tokens_(burst_) {}

  // 0 when the request may go, else whole seconds until a token is there.
  int take() {
    if (rate_ <= 0) return 0;
    std::lock_guard lock(m_);
    const auto now = Clock::now();
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return 0;
    }
    return std::max(1, static_cast<int>(std::ceil((1 - tokens_) / rate_)));
  }

 private:
  std::mutex m_;
  const double rate_;
  const double burst_;
  double tokens_;
  Clock::time_point last_ = Clock::now();
};

// "host:port" or "[v6]:port".
bool splitHostPort(const std::string& listen, std::string& host, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string p = listen.substr(colon + 1);
  if (host.empty() || !allDigits(p) || p.size() > 5 || std::stoi(p) > 65535) return false;
  port = static_cast<std::uint16_t>(std::stoi(p));
  return true;
}

}  // namespace

// ------------------------------------------------------------------ the service

struct RegistryStub::Impl {
  reg::Registry& backend;
  const std::string token;
  const std::string host;
  const RegistryStubOptions options;
  TokenBucket bucket;
  mutable std::mutex log_mutex;
  std::deque<StubAccess> log;
  std::unique_ptr<http::Server> server;
  std::thread thread;

  Impl(reg::Registry& b, std::string t, std::string h, std::uint16_t port, RegistryStubOptions o)
      : backend(b),
        token(std::move(t)),
        host(std::move(h)),
        options(o),
        bucket(o.requests_per_second, o.burst),
        server(std::make_unique<http::Server>(serverOptions(port),
                                              [this](http::Request&& req, http::Reply reply) {
                                                reply(handle(req));
                                              },
                                              refuseWebSockets)) {}

  http::ServerOptions serverOptions(std::uint16_t port) const {
    http::ServerOptions so;
    so.host = host;
    so.port = port;
    so.io_threads = std::max(1, options.io_threads);
    so.max_body_bytes = 64 * 1024;  // a search body is a few hundred bytes
    so.handle_signals = options.handle_signals;
    return so;
  }

  static bool refuseWebSockets(const http::Request&, std::string&, http::Response& refusal) {
    refusal = noSuchEndpoint();
    return false;
  }

  // Entry point: never throws (the server would answer a bare 500), records the trail.
  http::Response handle(const http::Request& req) {
    http::Response res;
    try {
      res = route(req);
    } catch (const std::exception& e) {
      res = errorResponse(500, "internal", "Lỗi máy chủ.", std::string("Internal error: ") + e.what());
    }
    if (startsWith(req.path, kBasePath)) record(req, res.status);
    return res;
  }

  http::Response route(const http::Request& req) {
    if (req.path == "/healthz") return jsonResponse(200, json{{"status", "ok"}});
    const std::string base = kBasePath;
    if (!startsWith(req.path, base + "/")) return noSuchEndpoint();
    if (auto refusal = admit(req)) return *refusal;
    const std::string rest = req.path.substr(base.size());
    if (rest == "/stats") return req.method == "GET" ? stats() : methodNotAllowed("GET");
    if (rest == "/persons/search") return req.method == "POST" ? search(req.body) : methodNotAllowed("POST");
    if (startsWith(rest, "/persons/")) {
      return req.method == "GET" ? personById(rest.substr(9)) : methodNotAllowed("GET");
    }
    if (startsWith(rest, "/applications/")) {
      return req.method == "GET" ? personByApplication(rest.substr(14)) : methodNotAllowed("GET");
    }
    return noSuchEndpoint();
  }

  // What every request must bring before it is served: token, request id, rate.
  std::optional<http::Response> admit(const http::Request& req) {
    if (!authorised(req.header("authorization"))) {
      auto res = errorResponse(401, "unauthorized", "Mã truy cập không hợp lệ hoặc đã hết hạn.",
                               "Missing or invalid bearer token.");
      res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"national-registry\"");
      return res;
    }
    if (!national::isUuid(req.header("x-request-id"))) {
      return errorResponse(400, "invalid_request_id", "Thiếu mã yêu cầu X-Request-Id (UUID).",
                           "X-Request-Id (a UUID) is required.", "X-Request-Id");
    }
    if (int wait = bucket.take(); wait > 0) {
      auto res = errorResponse(429, "rate_limited", "Quá nhiều yêu cầu, vui lòng thử lại sau.",
                               "Too many requests.");
      res.headers.emplace_back("Retry-After", std::to_string(wait));
      return res;
    }
    return std::nullopt;
  }

  // "Bearer <token>", the scheme case-insensitive (RFC 7235 2.1), the token compared in constant time.
  bool authorised(const std::string& header) const {
    if (header.size() < 7) return false;
    std::string scheme = header.substr(0, 7);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
    return scheme == "bearer " && constantTimeEquals(header.substr(7), token);
  }

  http::Response personAnswer(const core::Result<std::optional<reg::PersonRecord>>& r) {
    if (!r.ok()) return backendFailure(r.error());
    if (!r.value()) {
      return errorResponse(404, "not_found", "Không tìm thấy công dân.", "No such person.");
    }
    return jsonResponse(200, reg::toJson(*r.value()));
  }

  http::Response personById(const std::string& id) {
    if (id.size() != 12 || !allDigits(id)) {
      return errorResponse(422, "invalid_id", "Số định danh cá nhân phải gồm đúng 12 chữ số.",
                           "The personal ID number must be exactly 12 digits.", "id");
    }
    return personAnswer(backend.personById(id));
  }

  http::Response personByApplication(const std::string& code) {
    if (reg::normaliseApplicationCode(code) != code) {
      return errorResponse(422, "invalid_application_code", "Mã hồ sơ phải có dạng PPP-YYMMDD-NNNNNNNN.",
                           "The application code must read PPP-YYMMDD-NNNNNNNN.", "code");
    }
    return personAnswer(backend.personByApplication(code));
  }

  http::Response search(const std::string& body) {
    json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      return errorResponse(400, "invalid_json", "Nội dung yêu cầu không phải JSON hợp lệ.",
                           "The request body is not valid JSON.");
    }
    auto q = reg::nameQueryFromJson(j);
    if (!q.ok()) {
      // The codec speaks of a bad response; here it is the client's request.
      const auto& f = q.error().field;
      return errorResponse(422, "invalid_query", "Yêu cầu tra cứu không hợp lệ: trường " + f + ".",
                           "Invalid search request: field " + f + ".", f);
    }
    if (auto st = national::checkSearchQuery(*q); !st.ok()) {
      return errorResponse(422, "invalid_query", st.error().message_vi, st.error().message_en, st.error().field);
    }
    auto found = backend.findByName(*q);
    if (!found.ok()) return backendFailure(found.error());
    return jsonResponse(200, reg::candidateListToJson(*found));
  }

  http::Response stats() {
    auto s = backend.stats();
    if (!s.ok()) return backendFailure(s.error());
    return jsonResponse(200, reg::toJson(*s));
  }

  void record(const http::Request& req, int status) {
    std::lock_guard lock(log_mutex);
    log.push_back(StubAccess{req.header("x-request-id"), req.header("x-purpose"), req.method, req.path, status});
    if (log.size() > kAccessLogSize) log.pop_front();
  }
};

RegistryStub::RegistryStub(reg::Registry& backend, std::string token, std::string host, std::uint16_t port,
                           RegistryStubOptions options)
    : impl_(std::make_unique<Impl>(backend, std::move(token), std::move(host), port, options)) {}

RegistryStub::~RegistryStub() { stop(); }

std::string RegistryStub::start() {
  if (impl_->thread.joinable()) return "already started";
  if (impl_->token.empty()) return "a bearer token is required";
  if (auto err = impl_->server->listen(); !err.empty()) return err;
  impl_->thread = std::thread([this] { impl_->server->run(); });
  return "";
}

std::uint16_t RegistryStub::port() const { return impl_->server->boundPort(); }

std::string RegistryStub::baseUrl() const {
  const std::string& h = impl_->host;
  const std::string shown = h.find(':') != std::string::npos ? "[" + h + "]" : h;
  return "http://" + shown + ":" + std::to_string(port()) + kBasePath;
}

void RegistryStub::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->server->stop();
  impl_->thread.join();
}

void RegistryStub::wait() {
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::vector<StubAccess> RegistryStub::recentRequests() const {
  std::lock_guard lock(impl_->log_mutex);
  return {impl_->log.begin(), impl_->log.end()};
}

// ------------------------------------------------------------------ CLI

int runRegistryStubCli(const std::string& registry_url, const std::string& listen, const std::string& token) {
  std::string host;
  std::uint16_t port = 0;
  if (!splitHostPort(listen, host, port)) {
    spdlog::error("--listen phải có dạng HOST:PORT / --listen must read HOST:PORT: {}", listen);
    return 2;
  }
  if (token.empty()) {
    spdlog::error("cần --token / a bearer token (--token) is required");
    return 2;
  }
  auto opened = openRegistry(registry_url);
  if (!opened.ok()) {
    spdlog::error("{} / {}", opened.error().message_vi, opened.error().message_en);
    return 3;
  }
  auto backend = std::move(opened).value();
  RegistryStubOptions options;
  options.handle_signals = true;
  RegistryStub stub(*backend, token, host, port, options);
  if (auto err = stub.start(); !err.empty()) {
    spdlog::error("{}", err);
    return 4;
  }
  spdlog::info("national-registry stand-in serving {} (backend {})", stub.baseUrl(), backend->describe());
  stub.wait();
  spdlog::info("stopped");
  return 0;
}

}  // namespace tongdai::app
