// Everything a request handler needs, wired once at start-up: the store,
// the calendar and SLA policy (swappable by admins), the session cache, the
// live-event publisher, a pool for slow work, and the clock.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/config.h"
#include "app/kb/knowledge_base.h"
#include "core/calendar/business_calendar.h"
#include "core/sla/sla.h"
#include "core/store/store.h"

namespace tongdai::app {

class AcdService;
class RegistryService;
class CallService;

// Who is calling: a snapshot of the user and their session.
struct Principal {
  std::int64_t user_id = 0;
  std::string login;
  std::string name;
  core::auth::Role role = core::auth::Role::operator_;
  std::string token_hash;
  std::string csrf_token;
  std::int64_t expires_at = 0;
};

class SessionCache {
 public:
  std::optional<Principal> get(const std::string& token_hash);
  void put(const Principal& p);
  void erase(const std::string& token_hash);
  void eraseUser(std::int64_t user_id);

 private:
  std::mutex mutex_;
  std::map<std::string, Principal> by_token_;
};

// A fixed pool of threads for blocking work (argon2id takes ~0.1 s).
class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  void post(std::function<void()> job);

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

struct Settings {
  std::shared_ptr<const core::calendar::BusinessCalendar> calendar;
  std::shared_ptr<const core::sla::SlaPolicy> sla;
};

class AppContext {
 public:
  AppContext(Config config, core::store::Store& store);

  const Config& config() const { return config_; }
  core::store::Store& store() { return store_; }
  core::TimePoint now() const;
  int currentYear() const;

  Settings settings() const;
  void setCalendar(std::shared_ptr<const core::calendar::BusinessCalendar> c);
  void setSla(std::shared_ptr<const core::sla::SlaPolicy> p);
  // Loads calendar and SLA from the store (or defaults); error text on failure.
  std::string loadSettings();

  // Active category codes, cached: every case create checks one.
  bool categoryActive(const std::string& code) const;
  void refreshCategories();

  SessionCache& sessions() { return sessions_; }
  KnowledgeBase& kb() { return kb_; }
  // The routing engine; null in subcommands that do not serve.
  AcdService* acd() { return acd_; }
  void setAcd(AcdService* acd) { acd_ = acd; }
  // Citizen look-ups; null in subcommands that do not serve.
  RegistryService* registry() { return registry_; }
  void setRegistry(RegistryService* r) { registry_ = r; }
  // The hotline over SIP; null when telephony is off.
  CallService* calls() { return calls_; }
  void setCalls(CallService* c) { calls_ = c; }
  std::string today() const;  // "YYYY-MM-DD" in Asia/Ho_Chi_Minh
  WorkerPool& workers() { return workers_; }

  // Live events: set by the HTTP wiring; called after a commit.
  using Publisher = std::function<void(const std::string& json, core::auth::RoleSet roles)>;
  void setPublisher(Publisher p) { publisher_ = std::move(p); }
  void publish(const nlohmann::json& event, core::auth::RoleSet roles);
  // To one user's desks only (screen pops carry a caller's number).
  using UserPublisher = std::function<void(const std::string& json, const std::string& login)>;
  void setUserPublisher(UserPublisher p) { user_publisher_ = std::move(p); }
  void publishTo(const std::string& login, const nlohmann::json& event);

 private:
  Config config_;
  core::store::Store& store_;
  mutable std::mutex settings_mutex_;
  Settings settings_;
  SessionCache sessions_;
  KnowledgeBase kb_;
  AcdService* acd_ = nullptr;
  RegistryService* registry_ = nullptr;
  CallService* calls_ = nullptr;
  WorkerPool workers_;
  Publisher publisher_;
  UserPublisher user_publisher_;
  mutable std::mutex categories_mutex_;
  std::set<std::string> active_categories_;
};

// Audit entry builder for the common case.
core::audit::Entry auditEntry(const Principal* who, std::string action, std::string object_type,
                              std::string object_id, std::optional<std::int64_t> case_id,
                              std::string reason, std::string details, core::TimePoint at);

}  // namespace tongdai::app
