#include "app/serve.h"

#include <sys/resource.h>

#include <filesystem>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "adapters/http/server.h"
#include "adapters/postgres/pg_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "app/acd/acd_service.h"
#include "app/registry/registry_service.h"
#include "app/registry_open.h"
#include "app/telephony/call_service.h"
#include "app/telephony/ivr_file.h"
#include "app/api/router.h"
#include "app/context.h"
#include "app/security.h"
#include "app/seed.h"

namespace tongdai::app {

namespace fs = std::filesystem;

std::string storePath(const std::string& data_dir) { return (fs::path(data_dir) / "tongdai.db").string(); }

std::string findNearBinary(const std::string& relative) {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (fs::exists(dir / relative)) return (dir / relative).string();
  }
  return "";
}

std::string defaultWebRoot() {
  auto index = findNearBinary("web/index.html");
  return index.empty() ? "" : fs::path(index).parent_path().string();
}

namespace {
// Each connection is a descriptor: lift the soft limit to the hard one so the
// server's own max_connections, not the default 1024, is what applies.
void raiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}
// A registry that cannot be opened leaves look-ups answering
// registry_unavailable; the rest of the desk keeps working.
std::unique_ptr<core::registry::Registry> openConfiguredRegistry(const Config& cfg) {
  std::string url = cfg.registry_url.empty() ? defaultRegistryUrl(cfg.data_dir, cfg.database_url) : cfg.registry_url;
  auto opened = openRegistry(url, cfg.registry_token);
  if (!opened.ok()) {
    spdlog::warn("registry not available, look-ups disabled: {}", opened.error().message_en);
    return nullptr;
  }
  spdlog::info("registry: {}", (*opened)->describe());
  return std::move(opened).value();
}

// The hotline over SIP: the IVR flow file, the rendered prompts, the endpoint.
std::unique_ptr<CallService> startTelephony(const Config& cfg, AppContext& ctx, AcdService& acd,
                                            core::registry::Registry* registry, std::string& err) {
  TelephonyOptions o;
  o.sip_listen = cfg.sip_listen;
  o.hotline = cfg.sip_hotline;
  o.outbound_trunk = cfg.sip_outbound_trunk;
  o.trunk_allow = cfg.sip_trunk_allow;
  o.rtp_address = cfg.rtp_address;
  o.rtp_port_min = cfg.rtp_port_min;
  o.rtp_port_max = cfg.rtp_port_max;
  o.prompts_dir = cfg.prompts_dir.empty() ? findNearBinary("prompts") : cfg.prompts_dir;
  o.recordings_dir = cfg.recordings_dir;
  o.recording_retention_days = cfg.recording_retention_days;
  for (const auto& q : cfg.queues) {
    if (q.max_wait_s > 0) o.max_wait_ms[q.id] = q.max_wait_s * 1000LL;
  }
  std::string ivr = cfg.ivr_file.empty() ? findNearBinary("data/ivr/hotline.toml") : cfg.ivr_file;
  auto flow = loadIvrFlow(ivr);
  if (!flow.ok()) {
    err = ivr + ": " + flow.error().message_en;
    return nullptr;
  }
  // Every prompt the flow and the dialogues can play must exist: a silent IVR is worse than none.
  auto needed = core::telephony::knownPrompts();
  for (const auto& name : core::telephony::flowPrompts(flow.value())) needed.push_back(name);
  needed.push_back("moh");
  for (const auto& name : needed) {
    if (!fs::exists(fs::path(o.prompts_dir) / (name + ".wav"))) {
      err = "prompt " + name + ".wav missing in " + o.prompts_dir + " (run scripts/render-prompts)";
      return nullptr;
    }
  }
  auto service = std::make_unique<CallService>(ctx, acd, registry, o, std::move(flow).value());
  err = service->start();
  if (!err.empty()) return nullptr;
  return service;
}

}  // namespace

int serve(const Config& cfg) {
  raiseFileLimit();
  std::string host;
  unsigned short port;
  if (!splitListen(cfg.listen, host, port)) {
    spdlog::error("invalid --listen '{}': expected HOST:PORT", cfg.listen);
    return 2;
  }
  std::error_code ec;
  fs::create_directories(cfg.data_dir, ec);
  auto opened = cfg.database_url.empty() ? sqlite::openSqliteStore({storePath(cfg.data_dir)})
                                          : postgres::openPgStore(cfg.database_url);
  if (!opened.ok()) {
    spdlog::error("{}", opened.error().message_vi);
    return 3;
  }
  auto store = std::move(opened).value();
  AppContext ctx(cfg, *store);
  if (auto st = seedStore(*store, ctx.now()); !st.ok()) {
    spdlog::error("seeding failed: {}", st.error().message_en);
    return 3;
  }
  if (auto err = ctx.loadSettings(); !err.empty()) {
    spdlog::error("{}", err);
    return 3;
  }
  auto acd_config = defaultAcdConfig();
  if (auto st = applyQueueSettings(cfg.queues, acd_config); !st.ok()) {
    spdlog::error("{}", st.error().message_en);
    return 2;
  }
  AcdService acd(ctx, acd_config);
  acd.start();
  ctx.setAcd(&acd);
  RegistryService registry(openConfiguredRegistry(cfg),
                           {cfg.lookup_limit_per_minute, cfg.lookup_limit_per_day, cfg.lookup_alert_per_hour});
  ctx.setRegistry(&registry);
  std::unique_ptr<CallService> calls;
  if (!cfg.sip_listen.empty()) {
    std::string err;
    calls = startTelephony(cfg, ctx, acd, registry.registry(), err);
    if (!calls) {
      spdlog::error("telephony: {}", err);
      acd.stop();
      return 5;
    }
    ctx.setCalls(calls.get());
  }
  Router router = buildRouter();

  http::ServerOptions opts;
  opts.host = host;
  opts.port = port;
  opts.io_threads = cfg.io_threads;
  opts.max_body_bytes = cfg.max_body_bytes;
  opts.max_header_bytes = cfg.max_header_bytes;
  opts.request_timeout = std::chrono::seconds{cfg.request_timeout_s};
  opts.idle_timeout = std::chrono::seconds{cfg.idle_timeout_s};
  opts.static_root = cfg.web_root.empty() ? defaultWebRoot() : cfg.web_root;

  auto handler = [&ctx, &router](http::Request&& req, http::Reply reply) {
    router.handle(ctx, std::move(req), std::move(reply));
  };
  auto ws_authorizer = [&ctx](const http::Request& req, std::string& tag, http::Response& refusal) {
    auto who = resolveSession(ctx, req);
    auto refuse = [&](int status, const char* code, const char* vi) {
      refusal.status = status;
      refusal.body = nlohmann::json{{"error", {{"code", code}, {"message", vi}}}}.dump();
      return false;
    };
    if (!who) return refuse(401, "unauthenticated", "Bạn chưa đăng nhập hoặc phiên đã hết hạn.");
    if (!core::auth::allows(core::auth::kCaseWorkers, who->role)) {
      return refuse(403, "forbidden", "Vai trò của bạn không nhận sự kiện trực tiếp.");
    }
    // "role:login": broadcasts filter on the role, screen pops on the login.
    tag = std::string(core::auth::toString(who->role)) + ":" + who->login;
    return true;
  };
  http::Server server(opts, handler, ws_authorizer);
  ctx.setPublisher([&server](const std::string& text, core::auth::RoleSet roles) {
    server.broadcast(text, [roles](const std::string& tag) {
      auto role = core::auth::roleFromString(tag.substr(0, tag.find(':')));
      return role && core::auth::allows(roles, *role);
    });
  });
  ctx.setUserPublisher([&server](const std::string& text, const std::string& login) {
    server.broadcast(text, [login](const std::string& tag) {
      auto colon = tag.find(':');
      return colon != std::string::npos && tag.compare(colon + 1, std::string::npos, login) == 0;
    });
  });
  if (auto err = server.listen(); !err.empty()) {
    spdlog::error("{}", err);
    return 4;
  }
  spdlog::info("tongdai serving on http://{}:{} (data {}, web {})", host, server.boundPort(), cfg.data_dir,
               opts.static_root.empty() ? "-" : opts.static_root);
  server.run();
  spdlog::info("shutting down: flushing the store");
  ctx.setCalls(nullptr);
  if (calls) calls->stop();
  ctx.setPublisher(nullptr);
  ctx.setUserPublisher(nullptr);
  acd.stop();
  ctx.setAcd(nullptr);
  ctx.setRegistry(nullptr);
  store->close();
  spdlog::info("stopped");
  return 0;
}

}  // namespace tongdai::app
