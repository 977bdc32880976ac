// The local stand-in of the national-registry service: serves the contract of
// docs/registry-http-contract.md from any Registry (our SQLite or PostgreSQL
// registry, or a test's in-memory one) over the project's own HTTP server, so
// that the HTTP adapter (adapters/national) is tested against something that
// speaks the contract, and developers can run tongdai against "the national
// service" on one machine (`tongdai registry serve-stub`).
//
// It enforces what the contract asks of clients: a bearer token (401), an
// X-Request-Id UUID on every request (400), well-formed keys and queries (422),
// a request rate per token (429 + Retry-After); backend failures answer 503.
// It keeps the last requests (id, purpose, path, status) as the national side's
// own trail would.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/registry/registry.h"

namespace tongdai::app {

struct RegistryStubOptions {
  // Token bucket for the (single) bearer token; requests_per_second <= 0 turns it off.
  // Generous by default: it is there to show a client what 429 looks like.
  double requests_per_second = 1000;
  double burst = 1000;
  int io_threads = 2;
  // The CLI's foreground stub stops on SIGINT/SIGTERM; an embedded one (tests) must not.
  bool handle_signals = false;
};

// One request as the stub saw it.
struct StubAccess {
  std::string request_id;  // X-Request-Id as sent
  std::string purpose;     // X-Purpose as sent (percent-encoded), "" if none
  std::string method;
  std::string path;
  int status = 0;
};

class RegistryStub {
 public:
  static constexpr const char* kBasePath = "/api/national-registry/v1";

  // port 0 = any free port (see port() after start()).
  RegistryStub(core::registry::Registry& backend, std::string token, std::string host, std::uint16_t port,
               RegistryStubOptions options = {});
  ~RegistryStub();  // stops
  RegistryStub(const RegistryStub&) = delete;
  RegistryStub& operator=(const RegistryStub&) = delete;

  // Listens and serves on a thread of its own; "" or the error text.
  std::string start();
  std::uint16_t port() const;
  // "http://HOST:PORT/api/national-registry/v1", valid after start().
  std::string baseUrl() const;
  // Stops serving (in-flight requests finish) and joins the thread. Idempotent.
  void stop();
  // Blocks until the server stops (stop() from another thread, or a signal
  // when handle_signals).
  void wait();
  // The last 1000 requests, oldest first.
  std::vector<StubAccess> recentRequests() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// `tongdai registry serve-stub --registry URL --listen HOST:PORT --token T`:
// opens the registry (app/registry_open.h), serves until SIGINT/SIGTERM.
// Returns the process exit code (2 bad arguments, 3 registry, 4 listen).
int runRegistryStubCli(const std::string& registry_url, const std::string& listen, const std::string& token);

}  // namespace tongdai::app
