// The routing engine in the running server: one Engine behind a mutex, a
// timer thread that fires its deadlines, every event appended to the
// store's ACD event log (replayed at start-up for today), and live agent and
// queue state pushed to the desks.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/config.h"
#include "core/auth/roles.h"
#include "core/routing/routing.h"

namespace tongdai::app {

class AppContext;

// Skills that keep the two pools apart: operators (tổng đài viên) take the
// hotline's calls, chats, e-mail and callbacks; officers (cán bộ nghiệp vụ)
// take only calls an operator transferred to their pool.
inline constexpr const char* kFrontDeskSkill = "tong_dai";
inline constexpr const char* kOfficerSkill = "nghiep_vu";
inline constexpr const char* kOfficersQueue = "officers";

// The hotline's queues: calls, Zalo and Facebook chats, e-mail, callbacks,
// and the officers' pool.
core::routing::Config defaultAcdConfig();

// Applies [queues.<id>] settings onto `config`; an error names an unknown
// queue or overflow target.
core::Status applyQueueSettings(const std::vector<QueueSettings>& settings, core::routing::Config& config);

// The routing engine's view of a user, or nothing for roles that take no
// contacts (supervisors, admins).
std::optional<core::routing::AgentConfig> agentConfigFor(const std::string& login, core::auth::Role role);

// JSON form of events, for the event log.
nlohmann::json eventToJson(const core::routing::Event& e);
bool eventFromJson(const nlohmann::json& j, core::routing::Event& out);

class AcdService {
 public:
  AcdService(AppContext& ctx, core::routing::Config config);
  ~AcdService();

  // Registers operators as agents and replays today's log. Call once.
  void start();
  void stop();

  // Applies an event now: logged, decided, published. Thread-safe.
  std::vector<core::routing::Decision> apply(const core::routing::Event& e);

  // Standard contact-center metrics of one local day ("YYYY-MM-DD"), computed
  // by replaying that day's event log through a fresh engine.
  nlohmann::json dayMetrics(const std::string& day, core::routing::Millis target_ms) const;

  nlohmann::json agentsJson() const;
  nlohmann::json queuesJson() const;
  std::optional<core::routing::AgentView> agent(const std::string& id) const;
  // Adds the user to the engine (logged out) if their role takes contacts.
  void ensureAgent(const std::string& id, core::auth::Role role);

  // Called after every batch of decisions (from apply() or the timer), outside
  // the lock: the telephony service rings phones on Offer, etc. Add before start().
  using Listener = std::function<void(const std::vector<core::routing::Decision>&)>;
  void addListener(Listener l);
  // The admins changed the business calendar: open or close queues now.
  void calendarChanged();
  // Position and estimated wait of a waiting contact (for announcements).
  std::optional<core::routing::WaitingInfo> waitingInfo(const std::string& contact) const;

 private:
  void timerLoop();
  // Opens or closes every queue when business hours begin or end (the
  // admins' calendar); returns the decisions. Caller holds the mutex.
  std::vector<core::routing::Decision> followBusinessHoursLocked();
  std::vector<core::routing::Decision> applyLocked(const core::routing::Event& e, core::routing::Millis now,
                                                   bool log);
  void publish(const std::vector<core::routing::Decision>& ds);

  AppContext& ctx_;
  core::routing::Config config_;
  core::routing::Engine engine_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool nudged_ = false;
  std::optional<bool> open_;  // last business-hours state applied
  std::thread timer_;
  std::vector<Listener> listeners_;
};

}  // namespace tongdai::app
