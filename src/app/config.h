// Configuration: defaults < TOML file < environment (TONGDAI_*) < flags.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"

namespace tongdai::app {

// One routing queue's settings from [queues.<id>] (e.g. [queues.hotline]);
// -1 / "" = the built-in default (defaultAcdConfig).
struct QueueSettings {
  std::string id;
  int ring_timeout_s = -1;
  int wrap_up_s = -1;
  int max_waiting = -1;        // 0 = unlimited; a full queue overflows or tells the caller and hangs up
  int overflow_after_s = -1;   // 0 = never; after this wait the contact moves to overflow_to
  std::string overflow_to;
  int max_wait_s = -1;         // calls only: after this wait the caller is booked for a callback
};

struct Config {
  std::string data_dir = "var/data";
  std::string database_url;  // "" = SQLite in data_dir; else a PostgreSQL conninfo/URL
  std::string listen = "127.0.0.1:8080";
  std::string web_root;  // "" = <source>/web found next to the binary, else disabled
  std::string log_level = "info";
  int io_threads = 2;
  int worker_threads = 4;  // password hashing and other slow work
  int session_hours = 12;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  int request_timeout_s = 30;
  int idle_timeout_s = 75;
  // Reference registry: "" = sqlite:<data_dir>/registry.db; "sqlite:PATH",
  // "postgresql://..." (or "postgresql:CONNINFO"), or the national service's
  // base URL "http://..." with registry_token as its bearer token.
  std::string registry_url;
  std::string registry_token;
  // Per-user look-up limits, and the hourly volume that alerts supervisors.
  int lookup_limit_per_minute = 20;
  int lookup_limit_per_day = 400;
  int lookup_alert_per_hour = 60;
  // Telephony (SIP): off while sip_listen is "" (`serve --sip HOST:PORT`).
  std::string sip_listen;
  std::string sip_hotline = "19000368";
  // The carrier's trunk for calls out ("host:port"): tongdai calls citizens
  // back through it. "" = no calls out (agents dial callbacks themselves).
  std::string sip_outbound_trunk;
  std::vector<std::string> sip_trunk_allow = {"127.0.0.0/8", "::1/128"};
  std::string rtp_address = "127.0.0.1";
  int rtp_port_min = 20000;
  int rtp_port_max = 29999;
  std::string prompts_dir;     // "" = <binary's directory>/prompts (rendered by make build)
  std::string ivr_file;        // "" = data/ivr/hotline.toml of the sources
  std::string recordings_dir;  // "" = <data_dir>/recordings
  int recording_retention_days = 90;
  std::vector<QueueSettings> queues;
};

// Applies a TOML file (if path non-empty) then TONGDAI_* environment
// variables onto `cfg`. Flags are applied by the CLI afterwards.
core::Status loadConfigFile(const std::string& path, Config& cfg);
core::Status applyEnvironment(Config& cfg);
// "host:port" → parts; false if malformed.
bool splitListen(const std::string& listen, std::string& host, unsigned short& port);

}  // namespace tongdai::app
