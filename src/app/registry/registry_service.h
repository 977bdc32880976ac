// The server's side of citizen look-ups: the registry backend, per-user limits
// and alerts, and short-lived references that let an officer open a search
// result without the list ever showing a whole ID number.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/registry/limiter.h"
#include "core/registry/registry.h"

namespace tongdai::app {

class RegistryService {
 public:
  // `registry` may be null (not configured or unreachable at start-up): look-ups
  // then answer registry_unavailable with `unavailable_reason` in the logs only.
  RegistryService(std::unique_ptr<core::registry::Registry> registry, core::registry::LimitPolicy policy);

  core::registry::Registry* registry() { return registry_.get(); }
  core::registry::LimitDecision attempt(std::int64_t user_id, std::int64_t now);

  // A reference to one search result, valid 15 minutes for the user it was issued to.
  std::string issueRef(std::int64_t user_id, const std::string& citizen_id, std::int64_t now);
  std::optional<std::string> resolveRef(std::int64_t user_id, const std::string& ref, std::int64_t now);

  // Unusual-volume alerts, newest first (also sent live and audited).
  void addAlert(nlohmann::json alert);
  nlohmann::json alerts();

 private:
  struct Ref {
    std::int64_t user_id;
    std::string citizen_id;
    std::int64_t expires;
  };
  std::unique_ptr<core::registry::Registry> registry_;
  std::mutex mutex_;
  core::registry::LookupLimiter limiter_;
  std::map<std::string, Ref> refs_;
  std::deque<nlohmann::json> alerts_;
};

}  // namespace tongdai::app
