// HTTP client of the national-registry contract (docs/registry-http-contract.md).
//
// Synchronous from the caller's point of view, asynchronous underneath: each
// pooled connection owns a one-thread io_context that the borrowing thread
// runs until its operation completes. That is how Beast's tcp_stream time-outs
// (which only bound asynchronous operations) give us a connect and a
// whole-request deadline without a background thread.
#include "adapters/national/http_registry.h"

#include <utility>  // boost 1.74 awaitable.hpp uses std::exchange without it
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
// Asio's OpenSSL glue, compiled once here (BOOST_ASIO_SEPARATE_COMPILATION):
// adapters/http/beast_src.cc compiles the rest of Asio and Beast, and this is
// the only TLS user. Move this line there if the server ever speaks TLS.
#include <boost/asio/ssl/impl/src.hpp>

#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/registry/json.h"
#include "core/registry/match.h"

namespace tongdai::national {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
namespace reg = core::registry;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

// ------------------------------------------------------------------ errors

constexpr const char* kUnavailableVi =
    "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư, vui lòng thử lại sau.";

core::Error unavailable(const std::string& detail, const std::string& request_id) {
  return core::makeError("registry_unavailable", kUnavailableVi,
                         "The national population database cannot be reached (" + detail +
                             "); please try again later. Request " + request_id + ".");
}

core::Error unauthorized(int status, const std::string& request_id) {
  return core::makeError(
      "registry_unauthorized",
      "Cơ sở dữ liệu quốc gia về dân cư từ chối quyền truy cập của hệ thống (mã truy cập sai hoặc đã hết "
      "hạn), vui lòng báo quản trị viên.",
      "The national population database refused our credentials (HTTP " + std::to_string(status) +
          "): check the bearer token. Request " + request_id + ".");
}

core::Error rateLimited(int seconds, const std::string& request_id) {
  const std::string wait_vi = seconds > 0 ? "sau " + std::to_string(seconds) + " giây" : "sau ít phút";
  const std::string wait_en = seconds > 0 ? "in " + std::to_string(seconds) + " s" : "later";
  return core::makeError(
      "registry_rate_limited",
      "Cơ sở dữ liệu quốc gia về dân cư đang nhận quá nhiều yêu cầu, vui lòng thử lại " + wait_vi + ".",
      "The national population database is rate-limiting us (HTTP 429); retry " + wait_en + ". Request " +
          request_id + ".");
}

core::Error badResponse(const std::string& detail, const std::string& request_id) {
  return core::makeError("registry_bad_response",
                         "Cơ sở dữ liệu quốc gia về dân cư trả lời không đúng giao thức đã thống nhất, vui "
                         "lòng báo quản trị viên.",
                         "The national population database answered outside the contract (" + detail +
                             "). Request " + request_id + ".");
}

core::Error configError(const std::string& vi, const std::string& en, const std::string& field) {
  return core::makeError("registry_config",
                         "Cấu hình kết nối Cơ sở dữ liệu quốc gia về dân cư không hợp lệ: " + vi,
                         "Invalid national-registry connection settings: " + en, field);
}

core::Error badRequest(const std::string& field, const std::string& vi, const std::string& en) {
  return core::makeError("registry_bad_request", vi, en, field);
}

// ------------------------------------------------------------------ small helpers

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool printableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Header values must stay printable ASCII (and never carry CR/LF): other bytes,
// and '%' itself, become %XX; cut at a whole escape at most `max` bytes long.
std::string percentEncodeHeader(std::string_view s, std::size_t max) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    std::string piece(1, char(c));
    if (c < 0x20 || c >= 0x7f || c == '%') piece = {'%', kHex[c >> 4], kHex[c & 15]};
    if (out.size() + piece.size() > max) break;
    out += piece;
  }
  return out;
}

// Retry-After as delta-seconds; 0 when absent or an HTTP-date (not worth parsing).
int retryAfterSeconds(std::string_view v) {
  if (!allDigits(v) || v.size() > 6) return 0;
  return std::stoi(std::string(v));
}

// The contract's error body {"error":{"code","message","field"}}; empty code if not one.
struct ServiceError {
  std::string code, message, message_en, field;
};

ServiceError serviceError(const std::string& body) {
  ServiceError e;
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return e;
  auto it = j.find("error");
  if (it == j.end() || !it->is_object()) return e;
  auto text = [&](const char* key) {
    auto m = it->find(key);
    return m != it->end() && m->is_string() ? m->get<std::string>() : std::string();
  };
  e.code = text("code");
  e.message = text("message");
  e.message_en = text("message_en");
  e.field = text("field");
  return e;
}

// ------------------------------------------------------------------ URL

struct Target {
  bool tls = false;
  std::string host;         // without brackets
  std::string port;         // "80"
  std::string host_header;  // "host" or "host:port", IPv6 in brackets
  std::string base_path;    // "/api/national-registry/v1", no trailing slash
  std::string url;          // normalised, for describe()
};

core::Result<Target> parseBaseUrl(const std::string& url) {
  auto bad = [&](const std::string& vi, const std::string& en) {
    return configError(vi + " (" + url + ").", en + " (" + url + ").", "base_url");
  };
  Target t;
  auto sep = url.find("://");
  if (sep == std::string::npos) return bad("thiếu http:// hoặc https://", "missing http:// or https://");
  const std::string scheme = lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") return bad("chỉ hỗ trợ http và https", "only http and https");
  t.tls = scheme == "https";
  std::string rest = url.substr(sep + 3);
  if (!printableAscii(rest) || rest.find_first_of("?#@") != std::string::npos) {
    return bad("địa chỉ chứa ký tự không được phép", "user info, query, fragment or spaces are not allowed");
  }
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  t.base_path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!t.base_path.empty() && t.base_path.back() == '/') t.base_path.pop_back();
  std::string port;
  if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string::npos) return bad("địa chỉ IPv6 thiếu dấu ]", "IPv6 address without ]");
    t.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("cổng không hợp lệ", "invalid port");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (t.host.empty()) return bad("thiếu tên máy chủ", "missing host");
  if (port.empty()) port = t.tls ? "443" : "80";
  if (!allDigits(port) || port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return bad("cổng không hợp lệ", "invalid port");
  }
  t.port = port;
  const bool default_port = port == (t.tls ? "443" : "80");
  const std::string shown_host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
  t.host_header = default_port ? shown_host : shown_host + ":" + port;
  t.url = scheme + "://" + t.host_header + t.base_path;
  return t;
}

// ------------------------------------------------------------------ one connection

using HttpRequest = bhttp::request<bhttp::string_body>;
using Parser = bhttp::response_parser<bhttp::string_body>;

class Connection {
 public:
  explicit Connection(ssl::context* tls) : tls_ctx_(tls) {}

  bool isOpen() const { return open_; }
  Clock::time_point last_used;

  // TCP connect (+ TLS handshake) to `target` before `deadline`.
  beast::error_code open(const Target& target, Clock::time_point deadline) {
    close();
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    // Blocking look-up, outside the connect time-out: a name is resolved only
    // when a connection is (re)opened, and most deployments name an address.
    auto endpoints = resolver.resolve(target.host, target.port, ec);
    if (ec) return ec;
    if (tls_ctx_) {
      tls_.emplace(ioc_, *tls_ctx_);
    } else {
      tcp_.emplace(ioc_);
    }
    lowest().expires_at(deadline);
    lowest().async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    drive();
    if (!ec) lowest().socket().set_option(tcp::no_delay(true), ec);
    if (!ec && tls_) ec = handshake(target.host);
    if (ec) {
      close();
      return ec;
    }
    open_ = true;
    return {};
  }

  // Writes the request and reads the response, all before `deadline`.
  beast::error_code exchange(HttpRequest& req, Parser& parser, Clock::time_point deadline) {
    beast::error_code ec;
    lowest().expires_at(deadline);
    withStream([&](auto& s) {
      bhttp::async_write(s, req, [&](beast::error_code e, std::size_t) { ec = e; });
    });
    drive();
    if (ec) return ec;
    withStream([&](auto& s) {
      bhttp::async_read(s, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    });
    drive();
    return ec;
  }

  void close() {
    beast::error_code ignored;
    if (tcp_ || tls_) lowest().socket().close(ignored);
    tls_.reset();  // an SSL stream cannot be reused after close: a new one per connect
    tcp_.reset();
    buffer_.clear();
    open_ = false;
  }

 private:
  beast::error_code handshake(const std::string& host) {
    beast::error_code ec;
    boost::system::error_code not_ip;
    asio::ip::make_address(host, not_ip);
    // SNI carries names only (RFC 6066 3); the certificate is checked against
    // the host either way (name or IP address).
    if (not_ip && !SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str())) {
      return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    }
    tls_->set_verify_callback(ssl::host_name_verification(host), ec);
    if (ec) return ec;
    tls_->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    drive();
    return ec;
  }

  beast::tcp_stream& lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *tcp_; }

  template <typename F>
  void withStream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*tcp_);
    }
  }

  // Runs what was started until it completes; tcp_stream's expiry closes the
  // socket at the deadline, so this always returns.
  void drive() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_{1};
  ssl::context* tls_ctx_;
  std::optional<beast::tcp_stream> tcp_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool open_ = false;
};

// ------------------------------------------------------------------ the pool

// At most `size` connections; a borrower waits for one until its deadline.
// LIFO so the warmest connection is reused and the rest age out.
class Pool {
 public:
  Pool(std::size_t size, ssl::context* tls) : size_(size), tls_(tls) {}

  std::unique_ptr<Connection> acquire(Clock::time_point deadline) {
    std::unique_lock lock(m_);
    if (!cv_.wait_until(lock, deadline, [&] { return !idle_.empty() || created_ < size_; })) {
      return nullptr;
    }
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++created_;
    return std::make_unique<Connection>(tls_);
  }

  void release(std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(m_);
      idle_.push_back(std::move(c));
    }
    cv_.notify_one();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t created_ = 0;
  const std::size_t size_;
  ssl::context* tls_;
};

// Gives the connection back to the pool on every path out of a call.
struct Lease {
  Pool& pool;
  std::unique_ptr<Connection> conn;
  ~Lease() {
    if (conn) pool.release(std::move(conn));
  }
};

// A keep-alive connection the server closed while idle fails like this on
// first use; nothing was processed, so the request can go again.
bool isStale(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == ssl::error::stream_truncated;
}

std::string describeFailure(const char* what, const beast::error_code& ec,
                            std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) {
    return std::string(what) + " timed out after " + std::to_string(timeout.count()) + " ms";
  }
  return std::string(what) + ": " + ec.message();
}

// ------------------------------------------------------------------ the registry

// The query as the contract takes it, or nullopt when it can match no one.
// Parity with the database backends, which answer such queries with an empty
// list: no name or no birth year finds nobody (and is not sent to the national
// side); a province code that is not 3 digits never scores, so it is dropped;
// the limit is clamped to the contract's (a negative one means "no limit").
std::optional<reg::NameQuery> wireQuery(const reg::NameQuery& q) {
  if (q.limit == 0 || !q.birth_date.known() || reg::nameKey(q.full_name).empty() ||
      q.full_name.size() > kMaxNameBytes) {
    return std::nullopt;
  }
  reg::NameQuery wire = q;
  if (wire.province_code.size() != 3 || !allDigits(wire.province_code)) wire.province_code.clear();
  if (wire.limit < 0 || wire.limit > kMaxSearchLimit) wire.limit = kMaxSearchLimit;
  return wire;
}

struct Reply {
  int status = 0;
  std::string body;
  int retry_after = 0;
  std::string request_id;
};

class HttpRegistry final : public reg::Registry {
 public:
  HttpRegistry(HttpRegistryOptions options, Target target, std::unique_ptr<ssl::context> tls)
      : options_(std::move(options)),
        target_(std::move(target)),
        tls_(std::move(tls)),
        pool_(options_.pool_size, tls_.get()) {}

  core::Result<std::optional<reg::PersonRecord>> personById(const std::string& id) override {
    // Not a 12-digit number: no one has it, and garbage is not sent to the national side.
    if (id.size() != 12 || !allDigits(id)) return std::optional<reg::PersonRecord>{};
    return guarded<std::optional<reg::PersonRecord>>([&] { return fetchRecord("/persons/" + id); });
  }

  core::Result<std::optional<reg::PersonRecord>> personByApplication(const std::string& code) override {
    auto canonical = reg::normaliseApplicationCode(code);
    if (!canonical) return std::optional<reg::PersonRecord>{};
    return guarded<std::optional<reg::PersonRecord>>(
        [&] { return fetchRecord("/applications/" + *canonical); });
  }

  core::Result<std::vector<reg::Candidate>> findByName(const reg::NameQuery& q) override {
    return guarded<std::vector<reg::Candidate>>([&] { return search(q); });
  }

  core::Result<reg::RegistryStats> stats() override {
    return guarded<reg::RegistryStats>([&]() -> core::Result<reg::RegistryStats> {
      auto r = call(bhttp::verb::get, "/stats", "");
      if (!r.ok()) return r.error();
      if (r->status != 200) return statusError(*r);
      return decode(*r, reg::registryStatsFromJson);
    });
  }

  std::string describe() const override { return target_.url; }

 private:
  // The interface promises no exceptions; Beast/Asio/OpenSSL and allocation
  // may still throw in corners, so each entry point catches.
  template <typename T, typename F>
  core::Result<T> guarded(F&& f) {
    try {
      return f();
    } catch (const std::exception& e) {
      return unavailable(std::string("internal error: ") + e.what(), "-");
    }
  }

  core::Result<std::optional<reg::PersonRecord>> fetchRecord(const std::string& path) {
    auto r = call(bhttp::verb::get, path, "");
    if (!r.ok()) return r.error();
    if (r->status == 200) {
      auto rec = decode(*r, reg::personRecordFromJson);
      if (!rec.ok()) return rec.error();
      return std::optional<reg::PersonRecord>(std::move(rec).value());
    }
    // 404 means "no such person" only with the contract's body: a bare 404 is
    // a wrong base URL, and must not turn every look-up into "not found".
    if (r->status == 404) {
      if (serviceError(r->body).code == "not_found") return std::optional<reg::PersonRecord>{};
      return badResponse("HTTP 404 without {\"error\":{\"code\":\"not_found\"}}: check the base URL",
                         r->request_id);
    }
    // The service says no record can have such a key: that is "not found" too.
    if (r->status == 422) return std::optional<reg::PersonRecord>{};
    return statusError(*r);
  }

  core::Result<std::vector<reg::Candidate>> search(const reg::NameQuery& q) {
    auto wire = wireQuery(q);
    if (!wire) return std::vector<reg::Candidate>{};
    // Cannot fail after wireQuery; kept so a rule added to one is not missed by the other.
    if (auto st = checkSearchQuery(*wire); !st.ok()) return st.error();
    auto body = reg::toJson(*wire).dump(-1, ' ', false, json::error_handler_t::replace);
    auto r = call(bhttp::verb::post, "/persons/search", std::move(body));
    if (!r.ok()) return r.error();
    if (r->status == 422) {
      auto e = serviceError(r->body);
      return badRequest(e.field, e.message.empty() ? "Yêu cầu tra cứu không hợp lệ." : e.message,
                        e.message_en.empty() ? "The service refused the search (HTTP 422)." : e.message_en);
    }
    if (r->status != 200) return statusError(*r);
    auto items = decode(*r, reg::candidateListFromJson);
    if (!items.ok()) return items.error();
    // The service may rank as it likes; every backend answers in our order.
    std::vector<reg::Person> people;
    people.reserve(items->size());
    for (auto& c : items.value()) people.push_back(std::move(c.person));
    return reg::rankCandidates(q, std::move(people));
  }

  // Body -> model value; a body that is not JSON is a contract breach too.
  template <typename Decode>
  auto decode(const Reply& r, Decode decodeFn) -> decltype(decodeFn(json())) {
    json j = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return badResponse("body is not JSON", r.request_id);
    auto v = decodeFn(j);
    if (!v.ok()) {
      core::Error e = v.error();
      e.message_en += " Request " + r.request_id + ".";
      return e;
    }
    return v;
  }

  core::Error statusError(const Reply& r) {
    if (r.status == 401 || r.status == 403) return unauthorized(r.status, r.request_id);
    if (r.status == 429) return rateLimited(r.retry_after, r.request_id);
    if (r.status == 408 || r.status >= 500) {
      return unavailable("HTTP " + std::to_string(r.status), r.request_id);
    }
    return badResponse("unexpected HTTP " + std::to_string(r.status), r.request_id);
  }

  HttpRequest buildRequest(bhttp::verb verb, const std::string& path, std::string body,
                           const std::string& request_id) {
    HttpRequest req{verb, target_.base_path + path, 11};
    req.set(bhttp::field::host, target_.host_header);
    req.set(bhttp::field::user_agent, options_.user_agent);
    req.set(bhttp::field::accept, "application/json");
    req.set(bhttp::field::authorization, "Bearer " + options_.bearer_token);
    req.set("X-Request-Id", request_id);
    if (options_.purpose) {
      auto purpose = percentEncodeHeader(options_.purpose(), 512);
      if (!purpose.empty()) req.set("X-Purpose", purpose);
    }
    if (verb == bhttp::verb::post) req.set(bhttp::field::content_type, "application/json; charset=utf-8");
    req.body() = std::move(body);
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }

  // One request/response on a pooled connection, retried once on a fresh
  // connection when a reused one turns out to be stale.
  core::Result<Reply> call(bhttp::verb verb, const std::string& path, std::string body) {
    const auto deadline = Clock::now() + options_.request_timeout;
    const std::string request_id = newRequestId();
    HttpRequest req = buildRequest(verb, path, std::move(body), request_id);
    Lease lease{pool_, pool_.acquire(deadline)};
    if (!lease.conn) {
      return unavailable("all " + std::to_string(options_.pool_size) + " connections busy until the time-out",
                         request_id);
    }
    for (int attempt = 0;; ++attempt) {
      Connection& c = *lease.conn;
      if (c.isOpen() && Clock::now() - c.last_used > options_.max_idle) c.close();
      const bool reused = c.isOpen();
      if (!reused) {
        auto ec = c.open(target_, std::min(deadline, Clock::now() + options_.connect_timeout));
        if (ec) return unavailable(describeFailure("connect", ec, options_.connect_timeout), request_id);
      }
      Parser parser;
      parser.body_limit(options_.max_response_bytes);
      auto ec = c.exchange(req, parser, deadline);
      if (!ec) return finish(c, parser.release(), request_id);
      c.close();
      if (ec == bhttp::error::body_limit) return badResponse("response body too large", request_id);
      if (!(reused && attempt == 0 && isStale(ec))) {
        return unavailable(describeFailure("request", ec, options_.request_timeout), request_id);
      }
    }
  }

  Reply finish(Connection& c, bhttp::response<bhttp::string_body> res, const std::string& request_id) {
    if (!res.keep_alive()) c.close();
    c.last_used = Clock::now();
    Reply r;
    r.status = static_cast<int>(res.result_int());
    r.body = std::move(res.body());
    auto retry_after = res[bhttp::field::retry_after];
    r.retry_after = retryAfterSeconds(std::string_view(retry_after.data(), retry_after.size()));
    r.request_id = request_id;
    return r;
  }

  const HttpRegistryOptions options_;
  const Target target_;
  std::unique_ptr<ssl::context> tls_;
  Pool pool_;
};

core::Result<std::unique_ptr<ssl::context>> makeTlsContext(const HttpRegistryOptions& o) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  ctx->set_verify_mode(ssl::verify_peer, ec);
  if (!ec) {
    if (o.ca_file.empty()) {
      ctx->set_default_verify_paths(ec);
    } else {
      ctx->load_verify_file(o.ca_file, ec);
    }
  }
  if (ec) {
    return configError("không nạp được chứng thư CA (" + o.ca_file + ").",
                       "cannot load the CA certificates (" + o.ca_file + "): " + ec.message(), "ca_file");
  }
  return ctx;
}

core::Status checkOptions(const HttpRegistryOptions& o) {
  if (o.bearer_token.empty() || !printableAscii(o.bearer_token)) {
    return configError("thiếu mã truy cập (bearer token) hoặc mã chứa ký tự không hợp lệ.",
                       "the bearer token is missing or not printable ASCII.", "bearer_token");
  }
  if (o.connect_timeout.count() <= 0 || o.request_timeout.count() <= 0) {
    return configError("thời gian chờ phải lớn hơn 0.", "time-outs must be positive.", "timeout");
  }
  if (o.pool_size == 0) {
    return configError("số kết nối phải lớn hơn 0.", "pool_size must be at least 1.", "pool_size");
  }
  if (o.user_agent.empty() || o.user_agent.find_first_of("\r\n") != std::string::npos) {
    return configError("User-Agent không hợp lệ.", "invalid user agent.", "user_agent");
  }
  return core::Status::Ok();
}

}  // namespace

// ------------------------------------------------------------------ public

core::Result<std::unique_ptr<reg::Registry>> makeHttpRegistry(HttpRegistryOptions options) {
  try {
    if (auto st = checkOptions(options); !st.ok()) return st.error();
    auto target = parseBaseUrl(options.base_url);
    if (!target.ok()) return target.error();
    std::unique_ptr<ssl::context> tls;
    if (target->tls) {
      auto ctx = makeTlsContext(options);
      if (!ctx.ok()) return ctx.error();
      tls = std::move(ctx).value();
    }
    return std::unique_ptr<reg::Registry>(
        std::make_unique<HttpRegistry>(std::move(options), std::move(target).value(), std::move(tls)));
  } catch (const std::exception& e) {
    return configError("lỗi khởi tạo.", std::string("initialisation failed: ") + e.what(), "");
  }
}

core::Status checkSearchQuery(const reg::NameQuery& q) {
  if (reg::nameKey(q.full_name).empty() || q.full_name.size() > kMaxNameBytes) {
    return badRequest("full_name", "Họ và tên để tra cứu bị trống hoặc quá dài.",
                      "full_name is empty or longer than " + std::to_string(kMaxNameBytes) + " bytes.");
  }
  if (!q.birth_date.known()) {
    return badRequest("birth_date", "Cần ít nhất năm sinh để tra cứu theo họ tên.",
                      "A birth year is required to search by name.");
  }
  if (!q.province_code.empty() && (q.province_code.size() != 3 || !allDigits(q.province_code))) {
    return badRequest("province_code", "Mã tỉnh phải gồm 3 chữ số.", "province_code must be 3 digits.");
  }
  if (q.limit < 1 || q.limit > kMaxSearchLimit) {
    return badRequest("limit", "Số kết quả tối đa phải từ 1 đến " + std::to_string(kMaxSearchLimit) + ".",
                      "limit must be 1.." + std::to_string(kMaxSearchLimit) + ".");
  }
  return core::Status::Ok();
}

std::string newRequestId() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    // OpenSSL's generator failing is near impossible; an ID need not be secret.
    static thread_local std::mt19937_64 gen{std::random_device{}()};
    for (auto& x : b) x = static_cast<unsigned char>(gen());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

bool isUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace tongdai::national
