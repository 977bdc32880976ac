#include "app/config.h"

#include <cstdlib>

#include <toml++/toml.h>

namespace tongdai::app {

using core::makeError;

namespace {

core::Error configError(const std::string& what) {
  return makeError("config", "Cấu hình không hợp lệ: " + what, "Invalid configuration: " + what);
}

template <typename T>
void take(const toml::table& t, const char* key, T& out) {
  if (auto v = t[key].value<T>()) out = *v;
}

bool parseInt(const char* text, long& out) {
  char* end = nullptr;
  out = std::strtol(text, &end, 10);
  return end && *end == '\0' && end != text;
}

}  // namespace

core::Status loadConfigFile(const std::string& path, Config& cfg) {
  if (path.empty()) return core::Status::Ok();
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return configError(path + ": " + std::string(e.description()));
  }
  take(t, "data_dir", cfg.data_dir);
  take(t, "database_url", cfg.database_url);
  take(t, "listen", cfg.listen);
  take(t, "web_root", cfg.web_root);
  take(t, "log_level", cfg.log_level);
  take(t, "registry_url", cfg.registry_url);
  take(t, "registry_token", cfg.registry_token);
  take(t, "sip_listen", cfg.sip_listen);
  take(t, "sip_hotline", cfg.sip_hotline);
  take(t, "sip_outbound_trunk", cfg.sip_outbound_trunk);
  take(t, "rtp_address", cfg.rtp_address);
  take(t, "prompts_dir", cfg.prompts_dir);
  take(t, "ivr_file", cfg.ivr_file);
  take(t, "recordings_dir", cfg.recordings_dir);
  if (auto* arr = t["sip_trunk_allow"].as_array()) {
    cfg.sip_trunk_allow.clear();
    for (const auto& v : *arr) {
      if (auto text = v.value<std::string>()) cfg.sip_trunk_allow.push_back(*text);
    }
  }
  std::int64_t n;
  auto takeInt = [&](const char* key, auto& out) {
    if (auto v = t[key].value<std::int64_t>()) {
      n = *v;
      out = static_cast<std::remove_reference_t<decltype(out)>>(n);
    }
  };
  takeInt("io_threads", cfg.io_threads);
  takeInt("worker_threads", cfg.worker_threads);
  takeInt("session_hours", cfg.session_hours);
  takeInt("max_body_bytes", cfg.max_body_bytes);
  takeInt("max_header_bytes", cfg.max_header_bytes);
  takeInt("request_timeout_s", cfg.request_timeout_s);
  takeInt("idle_timeout_s", cfg.idle_timeout_s);
  takeInt("lookup_limit_per_minute", cfg.lookup_limit_per_minute);
  takeInt("lookup_limit_per_day", cfg.lookup_limit_per_day);
  takeInt("lookup_alert_per_hour", cfg.lookup_alert_per_hour);
  takeInt("rtp_port_min", cfg.rtp_port_min);
  takeInt("rtp_port_max", cfg.rtp_port_max);
  takeInt("recording_retention_days", cfg.recording_retention_days);
  if (t.contains("queues") && !t["queues"].is_table()) return configError("queues must be a table of [queues.<id>]");
  if (auto* queues = t["queues"].as_table()) {
    for (const auto& [id, node] : *queues) {
      const auto* q = node.as_table();
      if (!q) return configError("[queues." + std::string(id.str()) + "] must be a table");
      QueueSettings s;
      s.id = std::string(id.str());
      auto seconds = [&](const char* key, int& out) -> bool {
        if (!q->contains(key)) return true;
        auto v = (*q)[key].value<std::int64_t>();
        if (!v || *v < 0 || *v > 86400) return false;
        out = static_cast<int>(*v);
        return true;
      };
      for (auto [key, out] : {std::pair{"ring_timeout_s", &s.ring_timeout_s}, std::pair{"wrap_up_s", &s.wrap_up_s},
                              std::pair{"max_waiting", &s.max_waiting},
                              std::pair{"overflow_after_s", &s.overflow_after_s},
                              std::pair{"max_wait_s", &s.max_wait_s}}) {
        if (!seconds(key, *out)) {
          return configError("[queues." + s.id + "] " + key + " must be a whole number from 0 to 86400");
        }
      }
      take(*q, "overflow_to", s.overflow_to);
      cfg.queues.push_back(std::move(s));
    }
  }
  return core::Status::Ok();
}

core::Status applyEnvironment(Config& cfg) {
  auto str = [](const char* name, std::string& out) {
    if (const char* v = std::getenv(name)) out = v;
  };
  str("TONGDAI_DATA", cfg.data_dir);
  str("TONGDAI_DATABASE_URL", cfg.database_url);
  str("TONGDAI_LISTEN", cfg.listen);
  str("TONGDAI_WEB_ROOT", cfg.web_root);
  str("TONGDAI_LOG_LEVEL", cfg.log_level);
  str("TONGDAI_REGISTRY_URL", cfg.registry_url);
  str("TONGDAI_REGISTRY_TOKEN", cfg.registry_token);
  str("TONGDAI_SIP", cfg.sip_listen);
  str("TONGDAI_SIP_OUTBOUND_TRUNK", cfg.sip_outbound_trunk);
  str("TONGDAI_PROMPTS_DIR", cfg.prompts_dir);
  str("TONGDAI_IVR_FILE", cfg.ivr_file);
  struct IntVar {
    const char* name;
    long* target;
  };
  long io = cfg.io_threads, workers = cfg.worker_threads, hours = cfg.session_hours;
  for (auto [name, target] : {IntVar{"TONGDAI_IO_THREADS", &io},
                              IntVar{"TONGDAI_WORKER_THREADS", &workers},
                              IntVar{"TONGDAI_SESSION_HOURS", &hours}}) {
    if (const char* v = std::getenv(name)) {
      if (!parseInt(v, *target)) return configError(std::string(name) + " phải là số nguyên");
    }
  }
  cfg.io_threads = static_cast<int>(io);
  cfg.worker_threads = static_cast<int>(workers);
  cfg.session_hours = static_cast<int>(hours);
  return core::Status::Ok();
}

bool splitListen(const std::string& listen, std::string& host, unsigned short& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  long p;
  if (!parseInt(listen.substr(colon + 1).c_str(), p) || p < 0 || p > 65535) return false;
  port = static_cast<unsigned short>(p);
  return true;
}

}  // namespace tongdai::app
