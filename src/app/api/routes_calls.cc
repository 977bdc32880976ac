// Call detail records and recordings. Supervisors list calls and play
// recordings (each play is audited: a recording is personal data); case
// workers see the calls linked to a case.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>

#include "app/api/router.h"
#include "app/api/views.h"

namespace tongdai::app {

using core::Status;
using core::telephony::CallRecord;
using nlohmann::json;
using Role = core::auth::Role;

namespace {

json msOrNull(std::int64_t ms) {
  return ms ? json(core::formatLocalIso(core::fromUnix(ms / 1000))) : json(nullptr);
}

json callView(const CallRecord& c, bool masked) {
  return {{"id", c.id},
          {"caller", masked ? maskPhone(c.caller) : c.caller},
          {"dialled", c.dialled},
          {"arrived_at", msOrNull(c.arrived_at)},
          {"answered_at", msOrNull(c.answered_at)},
          {"ended_at", msOrNull(c.ended_at)},
          {"duration_s", c.ended_at && c.answered_at ? (c.ended_at - c.answered_at) / 1000 : 0},
          {"ivr_path", c.ivr_path},
          {"queue", c.queue},
          {"queue_wait_s", c.queue_wait_ms / 1000},
          {"agent", c.agent},
          {"disposition", c.disposition},
          {"case_id", c.case_id ? json(*c.case_id) : json(nullptr)},
          {"has_recording", !c.recording.empty()},
          // The transferred part (to an extension or the officers' pool) is a second file.
          {"has_transfer_recording", !c.recording.empty() && !c.transferred_to.empty() && c.transferred_to != "officers"},
          {"keyed_id", masked ? maskCitizenId(c.keyed_id) : c.keyed_id},
          {"keyed_verified", c.keyed_verified},
          {"callback_number", masked ? maskPhone(c.callback_number) : c.callback_number},
          {"transferred_to", c.transferred_to},
          {"direction", c.direction}};
}

core::Error callNotFound() {
  return core::makeError("not_found", "Không tìm thấy cuộc gọi.", "Call not found.");
}

// Reads calls with `query`, answers {"items": [...]}.
void respondCalls(const CallPtr& call, bool masked,
                  const std::function<std::vector<CallRecord>(core::store::ReadTx&)>& query) {
  std::vector<CallRecord> calls;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    calls = query(tx);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  json items = json::array();
  for (const auto& c : calls) items.push_back(callView(c, masked));
  call->respond(200, {{"items", items}});
}

void listCalls(const CallPtr& call) {
  std::int64_t from_ms = 0;
  if (auto from = call->req.queryParam("from"); !from.empty()) {
    core::TimePoint t;
    if (!core::parseIso(from, t)) {
      return call->fail(422, "invalid_query", "Thời điểm 'from' không hợp lệ (ví dụ 2026-11-28).",
                        "Invalid 'from' (e.g. 2026-11-28).", "from");
    }
    from_ms = core::toUnix(t) * 1000;
  }
  int limit = 500;
  if (auto text = call->req.queryParam("limit"); !text.empty()) {
    bool digits = text.size() <= 3 && std::all_of(text.begin(), text.end(), ::isdigit);
    limit = digits ? std::stoi(text) : 0;
    if (limit < 1 || limit > 500) {
      return call->fail(422, "invalid_query", "limit phải từ 1 đến 500.", "limit must be from 1 to 500.", "limit");
    }
  }
  respondCalls(call, true, [from_ms, limit](core::store::ReadTx& tx) { return tx.calls(from_ms, limit); });
}

void getCall(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  std::optional<CallRecord> c;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    c = tx.callById(*id);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  if (!c) return call->fail(404, callNotFound());
  call->respond(200, callView(*c, false));
}

void callsOfCase(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  std::int64_t case_id = *id;
  respondCalls(call, false, [case_id](core::store::ReadTx& tx) { return tx.callsForCase(case_id); });
}

std::string recordingsDir(AppContext& ctx) {
  const auto& dir = ctx.config().recordings_dir;
  return dir.empty() ? ctx.config().data_dir + "/recordings" : dir;
}

// The WAV itself, after an audit entry (who listened to which call, why).
void recording(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  std::optional<CallRecord> c;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    c = tx.callById(*id);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  if (!c) return call->fail(404, callNotFound());
  std::string part = call->req.queryParam("part", "agent");
  if (part != "agent" && part != "transfer") {
    return call->fail(422, "invalid_query", "part phải là agent hoặc transfer.", "part must be agent or transfer.",
                      "part");
  }
  std::string name = c->recording;
  if (part == "transfer" && !name.empty()) name = std::filesystem::path(name).stem().string() + "-transfer.wav";
  auto path = std::filesystem::path(recordingsDir(call->ctx)) / name;
  if (name.empty() || !std::filesystem::exists(path)) {
    return call->fail(404, "recording_not_found", "Cuộc gọi này không có ghi âm (hoặc đã hết thời hạn lưu).",
                      "This call has no recording (or it has expired).");
  }
  auto now = call->ctx.now();
  Principal who = *call->who;
  std::int64_t call_id = c->id;
  auto case_id = c->case_id;
  std::string file = path.string();
  commit(call, [who, call_id, case_id, now, part](core::store::WriteTx& tx) {
    tx.appendAudit(auditEntry(&who, "call.recording_played", "call", std::to_string(call_id), case_id,
                              "nghe ghi âm", nlohmann::json{{"part", part}}.dump(), now));
    return Status::Ok();
  }, [call, file] {
    std::ifstream in(file, std::ios::binary);
    std::stringstream body;
    body << in.rdbuf();
    call->respondRaw(200, "audio/wav", body.str(), {{"Cache-Control", "no-store"}});
  });
}

}  // namespace

void registerCallRoutes(Router& r) {
  auto sup = core::auth::bit(Role::supervisor);
  r.add("GET", "/api/v1/calls", sup, listCalls);
  r.add("GET", "/api/v1/calls/{id}", sup, getCall);
  r.add("GET", "/api/v1/calls/{id}/recording", sup, recording);
  r.add("GET", "/api/v1/cases/{id}/calls", core::auth::kCaseWorkers, callsOfCase);
}

}  // namespace tongdai::app
