#include "app/cli_plan.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/common/status.h"
#include "core/planning/erlang.h"

namespace tongdai::app {
namespace {

namespace planning = core::planning;
using core::Error;
using core::makeError;
using core::Result;
using nlohmann::json;

constexpr int kExitBadInput = 2;

// Option values are kept as text and parsed here rather than by CLI11, so that
// "--aht-s abc" is reported like every other input error: exit 2, in Vietnamese.
struct PlanFlags {
  std::string arrivals_per_hour;
  std::string aht_s;
  std::string agents;
  std::string target_s;
  std::string patience_s;
  std::string service_level;
  std::string max_abandon_rate;
  std::string max_asa_s;
  std::string demand;
  std::string out;
  std::string shrinkage;
  bool json = false;
};

// Leaked on purpose: CLI11 holds references into it until exit, and a leaked
// static has no destruction-order questions.
PlanFlags& flags() {
  static auto* f = new PlanFlags();
  return *f;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Error badNumber(std::string_view what, std::string_view text) {
  return makeError(
      "plan_not_a_number",
      std::string(what) + " phải là một số (dùng dấu chấm thập phân), không phải \"" +
          std::string(text) + "\".",
      std::string(what) + " must be a number (decimal point), not \"" + std::string(text) + "\".");
}

// A finite decimal number; `what` names the flag or column in the message.
Result<double> parseNumber(std::string_view text, std::string_view what) {
  const std::string_view t = trim(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value)) {
    return badNumber(what, text);
  }
  return value;
}

Result<std::optional<double>> parseOptional(const std::string& text, std::string_view what) {
  if (text.empty()) return std::optional<double>();
  Result<double> v = parseNumber(text, what);
  if (!v.ok()) return v.error();
  return std::optional<double>(*v);
}

Result<int> parseCount(std::string_view text, std::string_view what) {
  const std::string_view t = trim(text);
  int value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    return makeError(
        "plan_not_an_integer",
        std::string(what) + " phải là một số nguyên, không phải \"" + std::string(text) + "\".",
        std::string(what) + " must be a whole number, not \"" + std::string(text) + "\".");
  }
  return value;
}

int fail(const std::string& message_vi) {
  std::cerr << "Lỗi: " << message_vi << "\n";
  return kExitBadInput;
}

int fail(const Error& e) { return fail(e.message_vi); }

// ---- formatting ----------------------------------------------------------

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string percent(double x) { return fixed(100 * x, 1) + " %"; }

std::string seconds(double x) { return std::isfinite(x) ? fixed(x, 1) + " s" : "∞"; }

// Shortest text that reads back as the same double: echoes "180", not "180.000000".
std::string shortest(double x) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc() ? std::string(buf, end) : fixed(x, 6);
}

// Column widths count code points, not bytes: "Tỷ lệ bận" is 9 wide, 13 bytes.
std::size_t displayWidth(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string padRight(const std::string& s, std::size_t width) {
  const std::size_t w = displayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

void printTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], displayWidth(row[i]));
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += i + 1 < row.size() ? padRight(row[i], widths[i] + 2) : row[i];
    }
    std::cout << line << "\n";
  }
}

const char* modelName(planning::Model m) {
  return m == planning::Model::kErlangA ? "erlang_a" : "erlang_c";
}

json asaJson(double asa) { return std::isfinite(asa) ? json(asa) : json(nullptr); }

json metricsJson(const planning::Metrics& m, double target_s) {
  json j{{"model", modelName(m.model)},
         {"agents", m.agents},
         {"offered_erlangs", m.offered_erlangs},
         {"target_s", target_s},
         {"service_level", m.service_level},
         {"p_wait", m.p_wait},
         {"asa_s", asaJson(m.asa_s)},
         {"occupancy", m.occupancy},
         {"stable", !m.unstable}};
  if (m.abandon_rate) {
    j["abandon_rate"] = *m.abandon_rate;
    j["service_level_answered"] = m.service_level_answered;
  }
  return j;
}

void printMetricsTable(const planning::Metrics& m, const planning::Load& load, bool searched) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"Mô hình", m.abandon_rate ? "Erlang A (người gọi kiên nhẫn trung bình " +
                                                  shortest(*load.patience_s) + " s)"
                                            : "Erlang C (người gọi không bỏ máy)"});
  rows.push_back({"Tải", fixed(m.offered_erlangs, 2) + " Erlang (" +
                             shortest(load.arrivals_per_hour) + " cuộc/giờ × " +
                             shortest(load.aht_s) + " s)"});
  rows.push_back({"Số tổng đài viên",
                  std::to_string(m.agents) + (searched ? " (ít nhất để đạt mục tiêu)" : "")});
  const std::string sl_label = "Mức phục vụ (trả lời ≤ " + shortest(load.target_s) + " s)";
  rows.push_back({sl_label, percent(m.service_level)});
  if (m.abandon_rate) {
    rows.push_back({"  tính trên cuộc được trả lời", percent(m.service_level_answered)});
  }
  rows.push_back({"Xác suất phải chờ", percent(m.p_wait)});
  rows.push_back({"Thời gian chờ TB (ASA)", seconds(m.asa_s)});
  rows.push_back({"Tỷ lệ bận (occupancy)", percent(m.occupancy)});
  if (m.abandon_rate) rows.push_back({"Tỷ lệ bỏ máy", percent(*m.abandon_rate)});
  printTable(rows);
  if (m.unstable) {
    std::cout
        << "Cảnh báo: số tổng đài viên không vượt quá tải — hàng đợi dài ra không giới hạn.\n";
  }
}

// ---- demand curve --------------------------------------------------------

struct NumberedRow {
  int line = 0;  // line in the file, for messages
  planning::DemandRow row;
};

Error fileError(const std::string& path, int line, const std::string& vi, const std::string& en) {
  const std::string where_vi = "Tệp " + path + (line > 0 ? ", dòng " + std::to_string(line) : "");
  const std::string where_en = "File " + path + (line > 0 ? ", line " + std::to_string(line) : "");
  return makeError("plan_demand_file", where_vi + ": " + vi, where_en + ": " + en);
}

std::vector<std::string> splitCsvLine(std::string_view line) {
  std::vector<std::string> fields;
  for (;;) {
    const std::size_t comma = line.find(',');
    std::string_view field = trim(line.substr(0, comma));
    // Spreadsheets sometimes quote every field; no field here needs a comma.
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
      field = trim(field.substr(1, field.size() - 2));
    }
    fields.emplace_back(field);
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return fields;
}

// Spreadsheets turn "07:30" into "7:30"; the planner wants HH:MM.
std::string normaliseStart(std::string start) {
  if (start.size() == 4 && start[1] == ':') start.insert(0, "0");
  return start;
}

Result<std::vector<NumberedRow>> readDemand(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return fileError(path, 0, "không mở được tệp để đọc.", "cannot be opened for reading.");
  }
  std::vector<NumberedRow> rows;
  std::map<std::string, std::size_t> column;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    if (trim(line).empty()) continue;
    std::vector<std::string> fields = splitCsvLine(line);
    if (column.empty()) {
      for (std::size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
      if (fields.size() != 3 || column.size() != 3 || !column.count("start") ||
          !column.count("arrivals") || !column.count("aht_s")) {
        return fileError(path, number, "dòng tiêu đề phải là start,arrivals,aht_s.",
                         "the header must be start,arrivals,aht_s.");
      }
      continue;
    }
    if (fields.size() != 3) {
      return fileError(
          path, number,
          "cần đúng 3 cột (start,arrivals,aht_s), có " + std::to_string(fields.size()) + ".",
          "expected 3 columns (start,arrivals,aht_s), found " + std::to_string(fields.size()) +
              ".");
    }
    NumberedRow r;
    r.line = number;
    r.row.start = normaliseStart(fields[column["start"]]);
    Result<double> arrivals = parseNumber(fields[column["arrivals"]], "Cột arrivals");
    if (!arrivals.ok()) {
      return fileError(path, number, arrivals.error().message_vi, arrivals.error().message_en);
    }
    Result<double> aht = parseNumber(fields[column["aht_s"]], "Cột aht_s");
    if (!aht.ok()) return fileError(path, number, aht.error().message_vi, aht.error().message_en);
    r.row.arrivals = *arrivals;
    r.row.aht_s = *aht;
    rows.push_back(std::move(r));
  }
  if (column.empty() || rows.empty()) {
    return fileError(path, 0, "không có dòng dữ liệu nào (cần tiêu đề start,arrivals,aht_s).",
                     "has no data rows (header start,arrivals,aht_s expected).");
  }
  return rows;
}

std::string csvLine(const planning::StaffingRow& r, bool abandon) {
  const planning::Metrics& m = r.metrics;
  std::string line =
      r.demand.start + "," + shortest(r.demand.arrivals) + "," + shortest(r.demand.aht_s) + "," +
      std::to_string(r.scheduled_agents) + "," + fixed(m.service_level, 4) + "," +
      (std::isfinite(m.asa_s) ? fixed(m.asa_s, 2) : "") + "," + fixed(m.occupancy, 4);
  if (abandon) line += "," + fixed(m.abandon_rate.value_or(0), 4);
  return line;
}

int runDemand(const PlanFlags& f, const planning::StaffingOptions& options) {
  Result<std::vector<NumberedRow>> input = readDemand(f.demand);
  if (!input.ok()) return fail(input.error());
  std::vector<planning::StaffingRow> rows;
  for (const NumberedRow& in : *input) {
    // One interval at a time, so a bad row is reported by its line in the file.
    Result<planning::StaffingRow> row = planning::staffInterval(in.row, options);
    if (!row.ok()) {
      return fail(fileError(f.demand, in.line, row.error().message_vi, row.error().message_en));
    }
    rows.push_back(std::move(row).value());
  }
  const bool abandon = options.patience_s.has_value();
  double agent_hours = 0;
  for (const auto& r : rows) agent_hours += r.scheduled_agents * options.interval_minutes / 60.0;

  if (!f.out.empty()) {
    std::ofstream out(f.out, std::ios::binary | std::ios::trunc);
    if (!out) return fail("Không ghi được tệp " + f.out + ".");
    out << "start,arrivals,aht_s,agents,service_level,asa_s,occupancy"
        << (abandon ? ",abandon_rate" : "") << "\n";
    for (const auto& r : rows) out << csvLine(r, abandon) << "\n";
    out.close();
    if (!out) return fail("Không ghi được tệp " + f.out + ".");
  }

  if (f.json) {
    json list = json::array();
    for (const auto& r : rows) {
      json j = metricsJson(r.metrics, options.target_s);
      j["start"] = r.demand.start;
      j["arrivals"] = r.demand.arrivals;
      j["aht_s"] = r.demand.aht_s;
      j["agents"] = r.scheduled_agents;
      j["agents_on_phone"] = r.agents;
      list.push_back(std::move(j));
    }
    std::cout << json{{"model", abandon ? "erlang_a" : "erlang_c"},
                      {"target_s", options.target_s},
                      {"service_level_target", options.goal.service_level},
                      {"shrinkage", options.shrinkage},
                      {"agent_hours", agent_hours},
                      {"rows", std::move(list)}}
              << "\n";
    return 0;
  }

  const bool shrink = options.shrinkage > 0;
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header{"Giờ", "Cuộc gọi", "AHT (s)", "TĐV trực"};
  if (shrink) header.push_back("TĐV xếp lịch");
  for (const char* h : {"Mức phục vụ", "ASA (s)", "Tỷ lệ bận"}) header.push_back(h);
  if (abandon) header.push_back("Bỏ máy");
  table.push_back(std::move(header));
  for (const auto& r : rows) {
    const planning::Metrics& m = r.metrics;
    std::vector<std::string> line{r.demand.start, shortest(r.demand.arrivals),
                                  shortest(r.demand.aht_s), std::to_string(r.agents)};
    if (shrink) line.push_back(std::to_string(r.scheduled_agents));
    line.push_back(percent(m.service_level));
    line.push_back(std::isfinite(m.asa_s) ? fixed(m.asa_s, 1) : "∞");
    line.push_back(percent(m.occupancy));
    if (abandon) line.push_back(percent(m.abandon_rate.value_or(0)));
    table.push_back(std::move(line));
  }
  printTable(table);
  std::string goal = percent(options.goal.service_level) + " cuộc gọi trả lời trong " +
                     shortest(options.target_s) + " s";
  if (options.goal.max_abandon_rate)
    goal += ", bỏ máy ≤ " + percent(*options.goal.max_abandon_rate);
  if (options.goal.max_asa_s) goal += ", ASA ≤ " + shortest(*options.goal.max_asa_s) + " s";
  if (shrink) goal += "; hao hụt " + percent(options.shrinkage);
  std::cout << "Mục tiêu: " << goal << ". Tổng: " << fixed(agent_hours, 1)
            << " giờ công tổng đài viên.\n";
  if (!f.out.empty()) std::cout << "Đã ghi " << f.out << "\n";
  return 0;
}

}  // namespace

CLI::App* addPlanCommand(CLI::App& app) {
  PlanFlags& f = flags();
  auto* plan = app.add_subcommand(
      "plan",
      "Tính số tổng đài viên cần (Erlang C / Erlang A) / staffing calculator\n"
      "  Một mức tải: --arrivals-per-hour X --aht-s Y --target-s T [--agents N]\n"
      "  Theo nửa giờ: --demand tệp.csv --target-s T [--out kết_quả.csv] [--shrinkage F]");
  plan->add_option("--arrivals-per-hour", f.arrivals_per_hour,
                   "Số cuộc gọi đến mỗi giờ / calls offered per hour")
      ->type_name("X");
  plan->add_option("--aht-s", f.aht_s,
                   "Thời gian xử lý trung bình một cuộc, giây / average handling time (s)")
      ->type_name("Y");
  plan->add_option("--agents", f.agents,
                   "Đánh giá đúng số tổng đài viên này; bỏ trống: tìm số nhỏ nhất đạt mục tiêu")
      ->type_name("N");
  plan->add_option("--target-s", f.target_s,
                   "Ngưỡng thời gian chờ của mức phục vụ, giây (vd. 20 trong 80/20)")
      ->type_name("T");
  plan->add_option("--patience-s", f.patience_s,
                   "Thời gian kiên nhẫn TB của người gọi, giây: dùng Erlang A (có bỏ máy)")
      ->type_name("P");
  plan->add_option("--service-level", f.service_level,
                   "Mức phục vụ mục tiêu trong (0, 1), mặc định 0.8")
      ->type_name("S");
  plan->add_option("--max-abandon-rate", f.max_abandon_rate,
                   "Thêm ràng buộc: tỷ lệ bỏ máy tối đa trong (0, 1) (Erlang A)")
      ->type_name("R");
  plan->add_option("--max-asa-s", f.max_asa_s,
                   "Thêm ràng buộc: thời gian chờ trung bình tối đa, giây")
      ->type_name("A");
  plan->add_option("--demand", f.demand,
                   "Tệp CSV nhu cầu theo nửa giờ, tiêu đề start,arrivals,aht_s "
                   "(arrivals = số cuộc trong nửa giờ)")
      ->type_name("CSV");
  plan->add_option("--out", f.out,
                   "Ghi kết quả ra CSV: start,arrivals,aht_s,agents,service_level,asa_s,"
                   "occupancy[,abandon_rate]")
      ->type_name("CSV");
  plan->add_option(
          "--shrinkage", f.shrinkage,
          "Tỷ lệ hao hụt [0, 1): agents = ⌈số trực / (1 − F)⌉; chỉ số đo tính theo số trực")
      ->type_name("F");
  plan->add_flag("--json", f.json, "In kết quả dạng JSON / print JSON");
  return plan;
}

int runPlan() {
  const PlanFlags& f = flags();
  if (f.target_s.empty()) {
    return fail("Thiếu --target-s: ngưỡng thời gian chờ của mức phục vụ, tính bằng giây (vd. 20).");
  }
  Result<double> target = parseNumber(f.target_s, "--target-s");
  if (!target.ok()) return fail(target.error());
  auto patience = parseOptional(f.patience_s, "--patience-s");
  if (!patience.ok()) return fail(patience.error());
  auto service_level = parseOptional(f.service_level, "--service-level");
  if (!service_level.ok()) return fail(service_level.error());
  auto max_abandon = parseOptional(f.max_abandon_rate, "--max-abandon-rate");
  if (!max_abandon.ok()) return fail(max_abandon.error());
  auto max_asa = parseOptional(f.max_asa_s, "--max-asa-s");
  if (!max_asa.ok()) return fail(max_asa.error());

  planning::Goal goal;
  goal.service_level = service_level->value_or(0.8);
  goal.max_abandon_rate = *max_abandon;
  goal.max_asa_s = *max_asa;

  if (!f.demand.empty()) {
    if (!f.arrivals_per_hour.empty() || !f.aht_s.empty() || !f.agents.empty()) {
      return fail(
          "--demand không dùng cùng --arrivals-per-hour, --aht-s hay --agents: số cuộc "
          "gọi và AHT lấy từ tệp CSV, số tổng đài viên do bộ tính tìm.");
    }
    auto shrinkage = parseOptional(f.shrinkage, "--shrinkage");
    if (!shrinkage.ok()) return fail(shrinkage.error());
    planning::StaffingOptions options;
    options.target_s = *target;
    options.goal = goal;
    options.patience_s = *patience;
    options.shrinkage = shrinkage->value_or(0);
    // Reject bad options before reading the file, so the message names the flag.
    planning::Load probe;
    probe.aht_s = 1;
    probe.target_s = options.target_s;
    probe.patience_s = options.patience_s;
    if (auto r = planning::smallestAgents(probe, goal); !r.ok()) return fail(r.error());
    if (!(options.shrinkage >= 0 && options.shrinkage < 1)) {
      return fail("--shrinkage (tỷ lệ hao hụt) phải nằm trong khoảng [0, 1), vd. 0.3.");
    }
    return runDemand(f, options);
  }

  if (!f.out.empty() || !f.shrinkage.empty()) {
    return fail("--out và --shrinkage chỉ dùng cùng --demand.");
  }
  if (f.arrivals_per_hour.empty()) {
    return fail("Thiếu --arrivals-per-hour (số cuộc gọi mỗi giờ), hoặc dùng --demand tệp.csv.");
  }
  if (f.aht_s.empty()) return fail("Thiếu --aht-s (thời gian xử lý trung bình, giây).");
  Result<double> arrivals = parseNumber(f.arrivals_per_hour, "--arrivals-per-hour");
  if (!arrivals.ok()) return fail(arrivals.error());
  Result<double> aht = parseNumber(f.aht_s, "--aht-s");
  if (!aht.ok()) return fail(aht.error());

  planning::Load load;
  load.arrivals_per_hour = *arrivals;
  load.aht_s = *aht;
  load.target_s = *target;
  load.patience_s = *patience;

  const bool searched = f.agents.empty();
  Result<planning::Metrics> metrics = [&]() -> Result<planning::Metrics> {
    if (searched) return planning::smallestAgents(load, goal);
    Result<int> agents = parseCount(f.agents, "--agents");
    if (!agents.ok()) return agents.error();
    return planning::evaluate(load, *agents);
  }();
  if (!metrics.ok()) return fail(metrics.error());

  if (f.json) {
    std::cout << metricsJson(*metrics, load.target_s) << "\n";
  } else {
    printMetricsTable(*metrics, load, searched);
  }
  return 0;
}

}  // namespace tongdai::app
