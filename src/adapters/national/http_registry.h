// The citizen registry over HTTP: a client of the national-registry service
// whose contract is docs/registry-http-contract.md (the local stand-in that
// speaks it is app/registry_stub). Boost.Beast underneath, hidden from includers.
//
// Contract:
//  - Thread-safe: many request threads call at once; each call borrows one of
//    `pool_size` keep-alive connections (waiting for one within the request
//    time-out), and a call on a connection the server has meanwhile closed is
//    retried once on a fresh one (every request is a read, so a retry is safe).
//  - Never throws. Errors (core::Error codes):
//      registry_unavailable   connection refused/reset, time-out, 5xx, TLS failure,
//                             all connections busy until the time-out
//      registry_unauthorized  401/403: the bearer token is wrong or expired
//      registry_rate_limited  429 (message carries Retry-After); no automatic retry:
//                             an operator on the phone is better told to try again
//      registry_bad_request   422 on a search: the service refused the query (not
//                             expected: the client only sends well-formed queries)
//      registry_bad_response  a body that does not follow the contract, or a 404
//                             without the contract's error body (wrong base URL)
//    A 404 {"error":{"code":"not_found"}} is "not found" (nullopt), as the
//    Registry interface requires; so is a key that cannot exist (an ID that is
//    not 12 digits, a malformed application code): such keys are not sent.
//  - Every request carries X-Request-Id (a fresh UUID v4) and, when the
//    `purpose` callback returns something, X-Purpose (see HttpRegistryOptions).
//  - https:// is supported (OpenSSL through Beast), with peer and host-name
//    verification always on; ca_file replaces the system trust store.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/registry/registry.h"

namespace tongdai::national {

struct HttpRegistryOptions {
  // "http://host:port/base/path" or "https://..."; no user info, query or fragment.
  // Example: "http://127.0.0.1:8090/api/national-registry/v1".
  std::string base_url;
  // Sent as "Authorization: Bearer <token>"; required (printable ASCII).
  std::string bearer_token;
  std::chrono::milliseconds connect_timeout{2000};  // TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{5000};  // whole call, waiting for a connection included
  std::size_t pool_size = 8;                        // keep-alive connections at most
  // A connection idle longer than this is reopened rather than reused: servers
  // drop idle keep-alives (ours after 75 s) and a fresh connect is cheaper than
  // a failed write plus the retry.
  std::chrono::seconds max_idle{30};
  std::size_t max_response_bytes = 4 * 1024 * 1024;
  // PEM file of the CA(s) to trust for https; "" = the system's trust store.
  std::string ca_file;
  // Why this look-up is made, sent as X-Purpose so the national side keeps its
  // own trail. Called on the calling thread for every request, so the API layer
  // can answer from what it knows about the request being served (a
  // thread-local case id, for instance). Suggested form:
  // "case=<case id>; reason=<text>". Bytes outside printable ASCII (and '%')
  // are percent-encoded; at most 512 bytes are sent. "" or no callback: no header.
  std::function<std::string()> purpose;
  // "tongdai/<version>" by default.
  std::string user_agent = "tongdai";
};

// Checks the options (URL form, token, time-outs, CA file) and builds the
// client; connections are opened lazily, so a service that is down now is not
// an error here. Errors: registry_config (Vietnamese + English message).
core::Result<std::unique_ptr<core::registry::Registry>> makeHttpRegistry(HttpRegistryOptions options);

// The contract's rules for a search, applied by the stand-in service (422):
// a name with letters or digits of at most kMaxNameBytes, a known birth year,
// province_code "" or 3 digits, limit 1..kMaxSearchLimit. Error code
// registry_bad_request, field = the member at fault. The client itself never
// sends a query that breaks them: like the database backends, it answers a
// query that can match no one (no name, no birth year, limit 0) with an empty
// list, drops an ill-formed province code and clamps the limit.
constexpr int kMaxSearchLimit = 100;
constexpr std::size_t kMaxNameBytes = 200;
core::Status checkSearchQuery(const core::registry::NameQuery& q);

// A fresh random UUID v4 ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"), and the
// check the stand-in applies to X-Request-Id (any version, lower or upper case).
std::string newRequestId();
bool isUuid(const std::string& s);

}  // namespace tongdai::national
