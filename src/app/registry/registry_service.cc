#include "app/registry/registry_service.h"

#include <sodium.h>

#include "core/registry/rules.h"

namespace tongdai::app {

using core::registry::LimitDecision;

RegistryService::RegistryService(std::unique_ptr<core::registry::Registry> registry,
                                 core::registry::LimitPolicy policy)
    : registry_(std::move(registry)), limiter_(policy) {}

LimitDecision RegistryService::attempt(std::int64_t user_id, std::int64_t now) {
  auto day_start = core::registry::localMidnight(core::registry::localDay(now));
  std::lock_guard lock(mutex_);
  return limiter_.attempt(user_id, now, day_start);
}

std::string RegistryService::issueRef(std::int64_t user_id, const std::string& citizen_id, std::int64_t now) {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  std::lock_guard lock(mutex_);
  // Drop expired references as new ones are made: the map stays small.
  for (auto it = refs_.begin(); it != refs_.end();) {
    it = it->second.expires <= now ? refs_.erase(it) : std::next(it);
  }
  refs_[hex] = Ref{user_id, citizen_id, now + 15 * 60};
  return hex;
}

std::optional<std::string> RegistryService::resolveRef(std::int64_t user_id, const std::string& ref,
                                                       std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = refs_.find(ref);
  if (it == refs_.end() || it->second.user_id != user_id || it->second.expires <= now) return std::nullopt;
  return it->second.citizen_id;
}

void RegistryService::addAlert(nlohmann::json alert) {
  std::lock_guard lock(mutex_);
  alerts_.push_front(std::move(alert));
  if (alerts_.size() > 200) alerts_.pop_back();
}

nlohmann::json RegistryService::alerts() {
  std::lock_guard lock(mutex_);
  return nlohmann::json(alerts_);
}

}  // namespace tongdai::app
