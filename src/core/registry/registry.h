// The look-up interface every registry backend implements: the embedded SQLite
// file (adapters/sqlite/registry_sqlite), PostgreSQL (adapters/postgres/
// registry_pg) and the national service over HTTP (adapters/national).
//
// Contract:
//  - Methods are safe to call from many threads at once.
//  - "Not found" is a value (nullopt / empty list), not an error; errors are
//    for a backend that cannot answer (code "registry_unavailable").
//  - There is deliberately no way to list or page through people: every
//    method needs a key a caller already knows.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/registry/model.h"

namespace tongdai::core::registry {

class Registry {
 public:
  virtual ~Registry() = default;
  // The person with that 12-digit ID, with applications and cards.
  virtual Result<std::optional<PersonRecord>> personById(const std::string& id) = 0;
  // The person who filed that application (code in canonical form), with all
  // of their applications and cards.
  virtual Result<std::optional<PersonRecord>> personByApplication(const std::string& code) = 0;
  // Candidates ranked best first (rankCandidates in match.h), at most q.limit.
  virtual Result<std::vector<Candidate>> findByName(const NameQuery& q) = 0;
  virtual Result<RegistryStats> stats() = 0;
  // "sqlite:/path", "postgresql:host=..", "http://..": for logs and /healthz.
  virtual std::string describe() const = 0;
};

// Bulk loading, used by `tongdai registry generate` and the demo. Rows go in
// one streaming pass; indexes are built by finish(). Not thread-safe.
class RegistryLoader {
 public:
  virtual ~RegistryLoader() = default;
  virtual Status add(const PersonRecord& r) = 0;
  virtual Status finish() = 0;
};

// Canonical application code "PPP-YYMMDD-NNNNNNNN" from what a person typed
// (dashes, spaces and dots optional); nullopt unless it is 17 digits.
std::optional<std::string> normaliseApplicationCode(std::string_view input);

}  // namespace tongdai::core::registry
