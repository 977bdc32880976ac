#include "core/telephony/cdr.h"

#include <nlohmann/json.hpp>

namespace tongdai::core::telephony {

std::string toJson(const CallRecord& c) {
  nlohmann::json j = {{"caller", c.caller},
                      {"dialled", c.dialled},
                      {"arrived_at", c.arrived_at},
                      {"answered_at", c.answered_at},
                      {"ended_at", c.ended_at},
                      {"ivr_path", c.ivr_path},
                      {"queue", c.queue},
                      {"queued_at", c.queued_at},
                      {"queue_wait_ms", c.queue_wait_ms},
                      {"agent", c.agent},
                      {"disposition", c.disposition},
                      {"case_id", c.case_id ? nlohmann::json(*c.case_id) : nlohmann::json(nullptr)},
                      {"recording", c.recording},
                      {"recording_expires_at", c.recording_expires_at},
                      {"keyed_id", c.keyed_id},
                      {"keyed_verified", c.keyed_verified},
                      {"callback_number", c.callback_number},
                      {"transferred_to", c.transferred_to},
                      {"contact", c.contact},
                      {"direction", c.direction}};
  return j.dump();
}

CallRecord callFromJson(std::int64_t id, const std::string& text) {
  CallRecord c;
  c.id = id;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
  auto num = [&](const char* k) -> std::int64_t {
    return j.contains(k) && j[k].is_number_integer() ? j[k].get<std::int64_t>() : 0;
  };
  c.caller = str("caller");
  c.dialled = str("dialled");
  c.arrived_at = num("arrived_at");
  c.answered_at = num("answered_at");
  c.ended_at = num("ended_at");
  c.ivr_path = str("ivr_path");
  c.queue = str("queue");
  c.queued_at = num("queued_at");
  c.queue_wait_ms = num("queue_wait_ms");
  c.agent = str("agent");
  c.disposition = str("disposition");
  if (j.contains("case_id") && j["case_id"].is_number_integer()) c.case_id = j["case_id"].get<std::int64_t>();
  c.recording = str("recording");
  c.recording_expires_at = num("recording_expires_at");
  c.keyed_id = str("keyed_id");
  c.keyed_verified = j.value("keyed_verified", false);
  c.callback_number = str("callback_number");
  c.transferred_to = str("transferred_to");
  c.contact = str("contact");
  if (auto d = str("direction"); !d.empty()) c.direction = d;
  return c;
}

}  // namespace tongdai::core::telephony
