// Plain HTTP request/response types shared between the HTTP adapter and the
// application. No Boost here: the rest of the code includes this header and
// must compile fast.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tongdai::http {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // raw target, "/api/v1/cases?page=2"
  std::string path;                            // decoded path, "/api/v1/cases"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_address;

  // Header value or "" (name in lower case).
  const std::string& header(const std::string& name) const;
  // First query value or fallback.
  std::string queryParam(const std::string& name, const std::string& fallback = "") const;
  bool hasQuery(const std::string& name) const { return query.count(name) > 0; }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response
};

// Called once per response; safe to call from any thread.
using Reply = std::function<void(Response)>;
// The application's entry point for /api/ and /healthz requests. It must call
// `reply` exactly once, now or later, from any thread.
using Handler = std::function<void(Request&&, Reply)>;

// WebSocket admission: returns false to refuse the upgrade (answer 401/403 in
// `refusal`); on success fills `tag`, used later to filter broadcasts.
using WsAuthorizer = std::function<bool(const Request&, std::string& tag, Response& refusal)>;

// URL helpers (exposed for tests).
std::string percentDecode(std::string_view in, bool plus_as_space);
std::multimap<std::string, std::string> parseQuery(std::string_view query);

}  // namespace tongdai::http
