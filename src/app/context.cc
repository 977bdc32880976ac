#include "app/context.h"

#include <date/date.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace tongdai::app {

std::optional<Principal> SessionCache::get(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto it = by_token_.find(token_hash);
  if (it == by_token_.end()) return std::nullopt;
  return it->second;
}

void SessionCache::put(const Principal& p) {
  std::lock_guard lock(mutex_);
  by_token_[p.token_hash] = p;
}

void SessionCache::erase(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  by_token_.erase(token_hash);
}

void SessionCache::eraseUser(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  for (auto it = by_token_.begin(); it != by_token_.end();) {
    it = it->second.user_id == user_id ? by_token_.erase(it) : std::next(it);
  }
}

WorkerPool::WorkerPool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lock(mutex_);
          cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
          if (jobs_.empty()) return;
          job = std::move(jobs_.front());
          jobs_.pop_front();
        }
        job();
      }
    });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

AppContext::AppContext(Config config, core::store::Store& store)
    : config_(std::move(config)), store_(store), workers_(config_.worker_threads) {
  auto cal = core::calendar::BusinessCalendar::create(core::calendar::CalendarSpec::hotlineDefault());
  if (cal.ok()) {
    settings_.calendar = std::make_shared<const core::calendar::BusinessCalendar>(std::move(cal).value());
  }
  settings_.sla = std::make_shared<const core::sla::SlaPolicy>();
}

core::TimePoint AppContext::now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

int AppContext::currentYear() const {
  auto local = now() + std::chrono::hours{7};
  return int(date::year_month_day{date::floor<date::days>(local)}.year());
}

std::string AppContext::today() const { return core::formatLocalIso(now()).substr(0, 10); }

Settings AppContext::settings() const {
  std::lock_guard lock(settings_mutex_);
  return settings_;
}

void AppContext::setCalendar(std::shared_ptr<const core::calendar::BusinessCalendar> c) {
  std::lock_guard lock(settings_mutex_);
  settings_.calendar = std::move(c);
}

void AppContext::setSla(std::shared_ptr<const core::sla::SlaPolicy> p) {
  std::lock_guard lock(settings_mutex_);
  settings_.sla = std::move(p);
}

bool AppContext::categoryActive(const std::string& code) const {
  std::lock_guard lock(categories_mutex_);
  return active_categories_.count(code) > 0;
}

void AppContext::refreshCategories() {
  std::set<std::string> active;
  store_.read([&](core::store::ReadTx& tx) {
    for (const auto& c : tx.categories()) {
      if (c.active) active.insert(c.code);
    }
    return core::Status::Ok();
  });
  std::lock_guard lock(categories_mutex_);
  active_categories_ = std::move(active);
}

std::string AppContext::loadSettings() {
  refreshCategories();
  kb_.load(store_, today());
  std::optional<std::string> cal_text, sla_text;
  auto st = store_.read([&](core::store::ReadTx& tx) {
    cal_text = tx.setting("calendar");
    sla_text = tx.setting("sla");
    return core::Status::Ok();
  });
  if (!st.ok()) return st.error().message_en;
  if (cal_text) {
    auto spec = core::calendar::calendarSpecFromJson(nlohmann::json::parse(*cal_text, nullptr, false));
    if (!spec.ok()) return "stored calendar invalid: " + spec.error().message_en;
    auto cal = core::calendar::BusinessCalendar::create(spec.value());
    if (!cal.ok()) return "stored calendar invalid: " + cal.error().message_en;
    setCalendar(std::make_shared<const core::calendar::BusinessCalendar>(std::move(cal).value()));
  }
  if (sla_text) {
    auto p = core::sla::policyFromJson(nlohmann::json::parse(*sla_text, nullptr, false));
    if (!p.ok()) return "stored SLA invalid: " + p.error().message_en;
    setSla(std::make_shared<const core::sla::SlaPolicy>(p.value()));
  }
  return "";
}

void AppContext::publish(const nlohmann::json& event, core::auth::RoleSet roles) {
  if (publisher_) publisher_(event.dump(), roles);
}

void AppContext::publishTo(const std::string& login, const nlohmann::json& event) {
  if (user_publisher_) user_publisher_(event.dump(), login);
}

core::audit::Entry auditEntry(const Principal* who, std::string action, std::string object_type,
                              std::string object_id, std::optional<std::int64_t> case_id,
                              std::string reason, std::string details, core::TimePoint at) {
  core::audit::Entry e;
  e.at = core::toUnix(at);
  if (who) {
    e.actor_id = who->user_id;
    e.actor_login = who->login;
  }
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.case_id = case_id;
  e.reason = std::move(reason);
  e.details = details.empty() ? "{}" : std::move(details);
  return e;
}

}  // namespace tongdai::app
