#include "app/api/router.h"

#include <spdlog/spdlog.h>

#include "app/security.h"
#include "core/audit/chain.h"

namespace tongdai::app {

using core::auth::Role;

Call::Call(AppContext& c, http::Request&& r, http::Reply reply)
    : ctx(c), req(std::move(r)), reply_(std::move(reply)) {
  english = req.header("accept-language").rfind("en", 0) == 0;
}

void Call::respond(int status, const nlohmann::json& body,
                   std::vector<std::pair<std::string, std::string>> headers) {
  if (replied_) return;
  replied_ = true;
  http::Response res;
  res.status = status;
  res.headers = std::move(headers);
  if (status != 204) res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  reply_(std::move(res));
}

void Call::respondRaw(int status, std::string content_type, std::string body,
                      std::vector<std::pair<std::string, std::string>> headers) {
  if (replied_) return;
  replied_ = true;
  http::Response res;
  res.status = status;
  res.content_type = std::move(content_type);
  res.headers = std::move(headers);
  res.body = std::move(body);
  reply_(std::move(res));
}

void Call::fail(int status, const core::Error& e) {
  nlohmann::json err = {{"code", e.code}, {"message", english ? e.message_en : e.message_vi}};
  if (!e.field.empty()) err["field"] = e.field;
  respond(status, {{"error", err}});
}

void Call::fail(const core::Error& e) { fail(httpStatusFor(e), e); }

void Call::fail(int status, const std::string& code, const std::string& vi, const std::string& en,
                const std::string& field) {
  fail(status, core::makeError(code, vi, en, field));
}

std::optional<nlohmann::json> Call::jsonBody() {
  const std::string& ct = req.header("content-type");
  if (!ct.empty() && ct.find("json") == std::string::npos) {
    fail(415, "unsupported_media_type", "Nội dung phải ở dạng JSON (application/json).",
         "The body must be JSON (application/json).");
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(req.body, nullptr, false);
  if (j.is_discarded()) {
    fail(400, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ.", "Malformed JSON body.");
    return std::nullopt;
  }
  if (!j.is_object()) {
    fail(400, "malformed_json", "Dữ liệu gửi lên phải là một đối tượng JSON.",
         "The body must be a JSON object.");
    return std::nullopt;
  }
  return j;
}

std::optional<std::int64_t> Call::idParam(const std::string& name) {
  const std::string& s = params[name];
  std::int64_t v = 0;
  bool ok = !s.empty() && s.size() <= 15;
  for (char c : s) {
    if (c < '0' || c > '9') ok = false;
    v = v * 10 + (c - '0');
  }
  if (!ok || v <= 0) {
    fail(404, "not_found", "Không tìm thấy bản ghi.", "Record not found.");
    return std::nullopt;
  }
  return v;
}

int httpStatusFor(const core::Error& e) {
  const std::string& c = e.code;
  if (c == "not_found" || c == "citizen_not_found" || c == "application_not_found") return 404;
  if (c == "registry_unavailable") return 503;
  if (c == "lookup_rate_limited") return 429;
  if (c == "case_not_yours") return 403;
  if (c == "case_closed") return 409;
  if (c == "invalid_transition" || c == "conflict" || c == "already_claimed" ||
      c == "login_taken" || c == "lookup_not_claimed_by_you" || c == "lookup_state") {
    return 409;
  }
  if (c == "forbidden") return 403;
  if (c == "storage_error") return 503;
  return 422;
}

namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

bool match(const std::vector<std::string>& p, const std::vector<std::string>& s,
           std::map<std::string, std::string>& params) {
  if (p.size() != s.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
      if (s[i].empty()) return false;
      found[p[i].substr(1, p[i].size() - 2)] = s[i];
    } else if (p[i] != s[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

bool isSafeMethod(const std::string& m) { return m == "GET" || m == "HEAD"; }

}  // namespace

void Router::add(std::string method, std::string pattern, core::auth::RoleSet roles, RouteHandler h) {
  auto segments = split(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), roles, false, std::move(h)});
}

void Router::addPublic(std::string method, std::string pattern, RouteHandler h) {
  auto segments = split(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), 0, true, std::move(h)});
}

std::string sessionCookieValue(const http::Request& req) {
  const std::string& cookie = req.header("cookie");
  const std::string name = "tongdai_session=";
  std::size_t pos = 0;
  while ((pos = cookie.find(name, pos)) != std::string::npos) {
    if (pos == 0 || cookie[pos - 1] == ' ' || cookie[pos - 1] == ';') {
      auto start = pos + name.size();
      auto end = cookie.find(';', start);
      return cookie.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    pos += name.size();
  }
  return "";
}

std::optional<Principal> resolveSession(AppContext& ctx, const http::Request& req) {
  std::string token = sessionCookieValue(req);
  if (token.size() != 64) return std::nullopt;
  std::string hash = core::audit::sha256Hex(token);
  auto now = core::toUnix(ctx.now());
  if (auto p = ctx.sessions().get(hash)) {
    if (p->expires_at > now) return p;
    ctx.sessions().erase(hash);
    return std::nullopt;
  }
  std::optional<Principal> found;
  ctx.store().read([&](core::store::ReadTx& tx) {
    auto s = tx.sessionByTokenHash(hash);
    if (!s || s->expires_at <= now) return core::Status::Ok();
    auto u = tx.userById(s->user_id);
    if (!u || u->disabled) return core::Status::Ok();
    found = Principal{u->id, u->login, u->name, u->role, hash, s->csrf_token, s->expires_at};
    return core::Status::Ok();
  });
  if (found) ctx.sessions().put(*found);
  return found;
}

void Router::handle(AppContext& ctx, http::Request&& req, http::Reply reply) const {
  auto call = std::make_shared<Call>(ctx, std::move(req), std::move(reply));
  const Route* route = nullptr;
  std::string allow;
  const auto segments = split(call->req.path);
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!match(r.segments, segments, params)) continue;
    if (r.method == call->req.method || (r.method == "GET" && call->req.method == "HEAD")) {
      route = &r;
      call->params = std::move(params);
      break;
    }
    allow += (allow.empty() ? "" : ", ") + r.method;
    if (r.method == "GET") allow += ", HEAD";  // GET routes answer HEAD too
  }
  if (!route) {
    if (!allow.empty()) {
      // A 405 must list the allowed methods in Allow (RFC 9110 15.5.6).
      call->respond(405,
                    {{"error",
                      {{"code", "method_not_allowed"},
                       {"message", call->english ? "Method not allowed for this resource."
                                                 : "Phương thức không được hỗ trợ cho địa chỉ này."}}}},
                    {{"Allow", allow}});
      return;
    }
    call->fail(404, "route_not_found", "Không có chức năng này.", "No such API route.");
    return;
  }
  if (!route->is_public) {
    call->who = resolveSession(ctx, call->req);
    if (!call->who) {
      call->fail(401, "unauthenticated", "Bạn chưa đăng nhập hoặc phiên đã hết hạn.",
                 "You are not logged in or your session has expired.");
      return;
    }
    if (!isSafeMethod(call->req.method) &&
        !constantTimeEquals(call->req.header("x-csrf-token"), call->who->csrf_token)) {
      call->fail(403, "csrf_failed", "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token). Hãy tải lại trang.",
                 "Missing or wrong X-CSRF-Token. Reload the page.");
      return;
    }
    if (!core::auth::allows(route->roles, call->who->role)) {
      call->fail(403, "forbidden", "Vai trò của bạn không được phép thực hiện thao tác này.",
                 "Your role may not do this.");
      return;
    }
  }
  try {
    route->handler(call);
  } catch (const std::exception& e) {
    spdlog::error("handler {} {} threw: {}", call->req.method, route->pattern, e.what());
    call->fail(500, "internal", "Lỗi máy chủ, thao tác chưa được thực hiện.",
               "Internal error: nothing was done.");
  }
}

void commit(const CallPtr& call, std::function<core::Status(core::store::WriteTx&)> work,
            std::function<void()> on_ok) {
  call->ctx.store().write(std::move(work), [call, on_ok = std::move(on_ok)](core::Status st) {
    if (!st.ok()) {
      if (st.error().code == "storage_error") spdlog::error("write failed: storage error");
      call->fail(st.error());
      return;
    }
    try {
      on_ok();
    } catch (const std::exception& e) {
      spdlog::error("after-commit step threw: {}", e.what());
      call->fail(500, "internal", "Lỗi máy chủ sau khi đã lưu.", "Internal error after saving.");
    }
  });
}

Router buildRouter() {
  Router r;
  registerSystemRoutes(r);
  registerSessionRoutes(r);
  registerCaseRoutes(r);
  registerLookupRoutes(r);
  registerAdminRoutes(r);
  registerKbRoutes(r);
  registerAcdRoutes(r);
  registerRegistryRoutes(r);
  registerCallRoutes(r);
  return r;
}

}  // namespace tongdai::app
