// A thin router over the HTTP adapter's plain types: path patterns with
// {params}, per-route roles, session and CSRF checks, JSON errors.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/http/http_types.h"
#include "app/context.h"
#include "core/auth/roles.h"

namespace tongdai::app {

class Call {
 public:
  Call(AppContext& ctx, http::Request&& req, http::Reply reply);

  AppContext& ctx;
  http::Request req;
  std::optional<Principal> who;
  std::map<std::string, std::string> params;
  bool english = false;

  void respond(int status, const nlohmann::json& body,
               std::vector<std::pair<std::string, std::string>> headers = {});
  // A body that is not JSON (a recording).
  void respondRaw(int status, std::string content_type, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers = {});
  void fail(int status, const core::Error& e);
  // Maps the error code to the usual status (404, 409, 422, 503 ...).
  void fail(const core::Error& e);
  void fail(int status, const std::string& code, const std::string& vi, const std::string& en,
            const std::string& field = "");
  // Parses the body as a JSON object; on failure replies 400/415 and returns nullopt.
  std::optional<nlohmann::json> jsonBody();
  // Path parameter as a positive integer id; on failure replies 404 and returns nullopt.
  std::optional<std::int64_t> idParam(const std::string& name);
  bool replied() const { return replied_; }

 private:
  http::Reply reply_;
  bool replied_ = false;
};
using CallPtr = std::shared_ptr<Call>;
using RouteHandler = std::function<void(const CallPtr&)>;

struct Route {
  std::string method;
  std::string pattern;               // "/api/v1/cases/{id}"
  std::vector<std::string> segments; // pattern split on '/', computed once
  core::auth::RoleSet roles = 0;     // 0 with is_public: anyone
  bool is_public = false;
  RouteHandler handler;
};

class Router {
 public:
  void add(std::string method, std::string pattern, core::auth::RoleSet roles, RouteHandler h);
  void addPublic(std::string method, std::string pattern, RouteHandler h);
  void handle(AppContext& ctx, http::Request&& req, http::Reply reply) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

int httpStatusFor(const core::Error& e);
// Resolves the session cookie to a principal (cache, then store).
std::optional<Principal> resolveSession(AppContext& ctx, const http::Request& req);
std::string sessionCookieValue(const http::Request& req);

// Runs `work` on the writer; after a durable commit runs `on_ok` (writer
// thread), on failure replies with the error.
void commit(const CallPtr& call, std::function<core::Status(core::store::WriteTx&)> work,
            std::function<void()> on_ok);

// Registration of each area's routes (routes_*.cc).
void registerSessionRoutes(Router& r);
void registerCaseRoutes(Router& r);
void registerLookupRoutes(Router& r);
void registerAdminRoutes(Router& r);
void registerKbRoutes(Router& r);
void registerAcdRoutes(Router& r);
void registerRegistryRoutes(Router& r);
void registerCallRoutes(Router& r);
void registerSystemRoutes(Router& r);
Router buildRouter();

const std::string& openapiDocument();

}  // namespace tongdai::app
