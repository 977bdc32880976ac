#include "app/cli_simulate.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/seed.h"
#include "core/calendar/business_calendar.h"
#include "core/calendar/holidays.h"
#include "core/common/time.h"
#include "core/metrics/metrics.h"
#include "core/simulation/simulator.h"

namespace tongdai::app {
namespace {

using core::simulation::HandleDistribution;
using core::simulation::SimConfig;

// CLI11 binds options to storage that must outlive parsing; runSimulate()
// reads it afterwards. One `simulate` per process, so one static instance.
struct SimulateOptions {
  double arrivals_per_hour = 0;
  std::string demand_file;
  double aht_s = 180;
  double aht_cv = 0;
  double wrap_up_s = 0;
  double answer_delay_s = 2;
  int agents = 20;
  std::string roster_file;
  double patience_s = 0;
  double hours = 10;
  std::uint64_t seed = 1;
  double target_s = 20;
  double callback_after_s = 0;
  double self_service = 0;
  bool business_hours = false;
  bool json = false;
  std::string start_date;  // "YYYY-MM-DD": start at 07:30 local that day
  CLI::Option* arrivals_opt = nullptr;
  CLI::Option* demand_opt = nullptr;
  CLI::Option* agents_opt = nullptr;
  CLI::Option* roster_opt = nullptr;
  CLI::Option* cv_opt = nullptr;
};

SimulateOptions& options() {
  static SimulateOptions o;
  return o;
}

int fail(const std::string& message_vi) {
  std::cerr << "Lỗi: " << message_vi << "\n";
  return 2;
}

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Vietnamese number style: "1.234.567" and "88,8".
std::string viInt(std::int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string viDec(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  const auto dot = s.find('.');
  std::string whole = s.substr(0, dot);
  const bool negative = !whole.empty() && whole[0] == '-';
  if (negative) whole.erase(0, 1);
  std::string out = (negative ? "-" : "") + viInt(std::stoll(whole));
  if (dot != std::string::npos) out += "," + s.substr(dot + 1);
  return out;
}

std::string percent(const std::optional<double>& v) { return v ? viDec(*v * 100, 1) + "%" : "—"; }

std::string secondsText(const std::optional<double>& v) { return v ? viDec(*v, 1) + " giây" : "—"; }

// "05/01/2026 07:30", the local start (the simulator starts on a half hour).
std::string localStart(core::routing::Millis start) {
  const std::string iso =
      core::metrics::halfHourLabel(core::metrics::halfHourOf(start, 7 * 60), 7 * 60);
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) + " " +
         iso.substr(11, 5);
}

void printSummary(const SimConfig& cfg, const core::simulation::SimResult& r, double wall_s) {
  const auto& t = r.metrics.total;
  const auto& o = options();
  std::cout << "Mô phỏng tổng đài 1900 0368: "
            << viDec(o.hours, o.hours == std::floor(o.hours) ? 0 : 1) << " giờ từ "
            << localStart(cfg.start)
            << (cfg.calendar ? ", giờ làm việc 07:30–17:30 thứ Hai–thứ Sáu" : ", mở liên tục")
            << ", hạt giống " << cfg.seed << "\n";
  std::cout << "Cuộc gọi đến: " << viInt(t.arrivals)
            << " · tự phục vụ (IVR): " << viInt(t.self_service)
            << " · bị từ chối (ngoài giờ, hàng chờ đầy): " << viInt(t.rejected) << "\n";
  std::cout << "Vào hàng chờ: " << viInt(t.offered) << " · được trả lời: " << viInt(t.answered)
            << " · bỏ máy: " << viInt(t.abandoned) << " (" << percent(t.abandonmentRate()) << ")"
            << " · bỏ máy sớm dưới "
            << viDec(static_cast<double>(cfg.metrics.short_abandon) / 1000, 0)
            << " giây (không tính): " << viInt(t.short_abandons) << "\n";
  if (cfg.callback_after_s > 0) {
    std::cout << "Yêu cầu gọi lại: " << viInt(t.callbacks_requested)
              << " · đã gọi lại: " << viInt(t.callbacks_served) << "\n";
  }
  std::cout << "Mức phục vụ (trả lời trong " << viDec(o.target_s, 0)
            << " giây): " << percent(t.serviceLevel())
            << " · tính cả cuộc bỏ máy: " << percent(t.serviceLevelWithAbandons()) << "\n";
  std::cout << "Thời gian chờ trung bình (ASA): " << secondsText(t.asaSeconds())
            << " · thời gian xử lý trung bình (AHT): " << secondsText(t.ahtSeconds()) << "\n";
  std::cout << "Tỉ lệ bận của tổng đài viên (occupancy): " << percent(t.occupancy());
  if (r.metrics.in_progress > 0) {
    std::cout << " · còn dang dở khi kết thúc: " << viInt(r.metrics.in_progress);
  }
  std::cout << "\n";
  std::cout << "Đã xử lý " << viInt(static_cast<std::int64_t>(r.events)) << " sự kiện trong "
            << viDec(wall_s, 2) << " giây ("
            << viInt(static_cast<std::int64_t>(wall_s > 0 ? r.events / wall_s : 0))
            << " sự kiện/giây)\n";
}

}  // namespace

CLI::App* addSimulateCommand(CLI::App& app) {
  SimulateOptions& o = options();
  CLI::App* sim = app.add_subcommand(
      "simulate", "Mô phỏng tổng đài (hàng chờ, tổng đài viên) / simulate the hotline");
  o.arrivals_opt = sim->add_option("--arrivals-per-hour", o.arrivals_per_hour,
                                   "Số cuộc gọi mỗi giờ (Poisson) / calls per hour");
  o.demand_opt =
      sim->add_option("--demand", o.demand_file,
                      "Tệp CSV nhu cầu theo nửa giờ: HH:MM,số cuộc / demand per half hour");
  sim->add_option("--aht-s", o.aht_s, "Thời gian xử lý trung bình, giây (mặc định 180)");
  o.cv_opt = sim->add_option("--aht-cv", o.aht_cv,
                             "Hệ số biến thiên AHT: phân phối log-chuẩn (mặc định: mũ)");
  sim->add_option("--wrap-up-s", o.wrap_up_s,
                  "Xử lý sau cuộc gọi, giây, nằm trong AHT (mặc định 0)");
  sim->add_option("--answer-delay-s", o.answer_delay_s, "Độ trễ nhấc máy, giây (mặc định 2)");
  o.agents_opt = sim->add_option("--agents", o.agents, "Số tổng đài viên (mặc định 20)");
  o.roster_opt = sim->add_option("--roster", o.roster_file,
                                 "Tệp CSV lịch trực theo nửa giờ: HH:MM,số người / roster");
  sim->add_option("--patience-s", o.patience_s,
                  "Thời gian kiên nhẫn trung bình, giây; 0 = chờ mãi (mặc định)");
  sim->add_option("--hours", o.hours, "Số giờ mô phỏng (mặc định 10)");
  sim->add_option("--seed", o.seed, "Hạt giống ngẫu nhiên (mặc định 1)");
  sim->add_option("--target-s", o.target_s, "Ngưỡng mức phục vụ, giây (mặc định 20)");
  sim->add_option("--callback-after-s", o.callback_after_s,
                  "Chờ quá số giây này thì xin gọi lại thay vì bỏ máy; 0 = tắt");
  sim->add_option("--self-service", o.self_service, "Tỉ lệ cuộc gọi tự phục vụ qua IVR, 0–1");
  sim->add_flag("--business-hours", o.business_hours,
                "Theo giờ làm việc 07:30–17:30 thứ Hai–thứ Sáu và ngày nghỉ lễ (bắt đầu thứ Hai 05/01/2026 07:30 hoặc --start)");
  sim->add_option("--start", o.start_date,
                  "Ngày bắt đầu (YYYY-MM-DD), lúc 07:30, ví dụ 2026-02-23 là thứ Hai sau Tết");
  sim->add_flag("--json", o.json, "In kết quả dạng JSON");
  return sim;
}

int runSimulate() {
  const SimulateOptions& o = options();
  SimConfig cfg;
  cfg.seed = o.seed;

  const bool rate = o.arrivals_opt && o.arrivals_opt->count() > 0;
  const bool demand = o.demand_opt && o.demand_opt->count() > 0;
  if (rate == demand) {
    return fail(rate ? "chỉ dùng một trong --arrivals-per-hour và --demand."
                     : "cần --arrivals-per-hour hoặc --demand.");
  }
  if (rate) {
    cfg.arrivals_per_hour = o.arrivals_per_hour;
  } else {
    const auto text = readFile(o.demand_file);
    if (!text) return fail("không đọc được tệp nhu cầu \"" + o.demand_file + "\".");
    auto parsed = core::simulation::parseHalfHourlyCsv(*text);
    if (!parsed.ok()) return fail("tệp " + o.demand_file + ", " + parsed.error().message_vi);
    cfg.demand = *parsed;
  }

  const bool agents = o.agents_opt && o.agents_opt->count() > 0;
  const bool roster = o.roster_opt && o.roster_opt->count() > 0;
  if (agents && roster) return fail("chỉ dùng một trong --agents và --roster.");
  if (roster) {
    const auto text = readFile(o.roster_file);
    if (!text) return fail("không đọc được tệp lịch trực \"" + o.roster_file + "\".");
    auto parsed = core::simulation::parseHalfHourlyCsv(*text);
    if (!parsed.ok()) return fail("tệp " + o.roster_file + ", " + parsed.error().message_vi);
    std::array<int, 48> counts{};
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const double v = (*parsed)[i];
      if (v != std::floor(v) || v > 10000) {
        return fail("tệp " + o.roster_file +
                    ": số tổng đài viên phải là số nguyên từ 0 đến 10000.");
      }
      counts[i] = static_cast<int>(v);
    }
    cfg.roster = counts;
  } else {
    cfg.agents = o.agents;
  }

  cfg.aht_s = o.aht_s;
  if (o.cv_opt && o.cv_opt->count() > 0) {
    cfg.distribution = HandleDistribution::lognormal;
    cfg.aht_cv = o.aht_cv;
  }
  cfg.wrap_up_s = o.wrap_up_s;
  cfg.answer_delay_s = o.answer_delay_s;
  cfg.patience_s = o.patience_s;
  cfg.hours = o.hours;
  cfg.callback_after_s = o.callback_after_s;
  cfg.self_service = o.self_service;
  if (!std::isfinite(o.target_s) || o.target_s < 0 || o.target_s > 3600) {
    return fail("--target-s phải trong khoảng 0–3600 giây.");
  }
  cfg.metrics.service_target = static_cast<core::routing::Millis>(std::llround(o.target_s * 1000));

  // Starts Monday 07:30 in any case (core::simulation::kDefaultStart).
  std::optional<core::calendar::BusinessCalendar> calendar;
  if (!o.start_date.empty()) {
    core::TimePoint day;
    if (o.start_date.size() != 10 || !core::parseIso(o.start_date, day)) {
      return fail("--start phải là một ngày dạng 2026-02-23.");
    }
    cfg.start = (core::toUnix(day) + 7 * 3600 + 30 * 60) * 1000;  // 07:30 local
  }
  if (o.business_hours) {
    // The hotline's hours with the shipped public holidays (data/holidays).
    auto created = shippedCalendar();
    if (!created.ok()) return fail(created.error().message_vi);
    calendar.emplace(std::move(created).value());
    cfg.calendar = &*calendar;
  }

  if (auto st = core::simulation::validate(cfg); !st.ok()) return fail(st.error().message_vi);
  const auto t0 = std::chrono::steady_clock::now();
  auto result = core::simulation::simulate(cfg);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.ok()) return fail(result.error().message_vi);
  const auto& r = result.value();

  if (o.json) {
    nlohmann::json config = {
        {"seed", cfg.seed},
        {"arrivals_per_hour",
         cfg.demand ? nlohmann::json(nullptr) : nlohmann::json(cfg.arrivals_per_hour)},
        {"demand_file", cfg.demand ? nlohmann::json(o.demand_file) : nlohmann::json(nullptr)},
        {"aht_s", cfg.aht_s},
        {"distribution",
         cfg.distribution == HandleDistribution::lognormal ? "lognormal" : "exponential"},
        {"aht_cv", cfg.distribution == HandleDistribution::lognormal ? nlohmann::json(cfg.aht_cv)
                                                                     : nlohmann::json(nullptr)},
        {"wrap_up_s", cfg.wrap_up_s},
        {"answer_delay_s", cfg.answer_delay_s},
        {"agents", cfg.roster ? nlohmann::json(nullptr) : nlohmann::json(cfg.agents)},
        {"roster_file", cfg.roster ? nlohmann::json(o.roster_file) : nlohmann::json(nullptr)},
        {"patience_s", cfg.patience_s},
        {"hours", cfg.hours},
        {"callback_after_s", cfg.callback_after_s},
        {"self_service", cfg.self_service},
        {"business_hours", cfg.calendar != nullptr},
        {"start",
         core::metrics::halfHourLabel(core::metrics::halfHourOf(cfg.start, 7 * 60), 7 * 60)},
    };
    nlohmann::json out = {
        {"config", std::move(config)},
        {"metrics", core::metrics::metricsToJson(r.metrics)},
        {"calls", r.calls},
        {"events", r.events},
        {"steps", r.steps},
        {"decisions", r.decisions},
        {"wall_time_s", wall_s},
        {"events_per_second", wall_s > 0 ? static_cast<double>(r.events) / wall_s : 0.0},
    };
    std::cout << out.dump(2) << "\n";
  } else {
    printSummary(cfg, r, wall_s);
  }
  return 0;
}

}  // namespace tongdai::app
