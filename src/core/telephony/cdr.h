// The call detail record: one per call to the hotline, written when the call
// arrives and updated as it moves (IVR, queue, agent, end).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tongdai::core::telephony {

// How a call ended, for reports: answered, abandoned_ivr, abandoned_queue,
// callback (left a callback request), out_of_hours, self_service (status
// heard, hung up without an agent), failed (refused or lost), "" while live;
// for an outbound callback: answered or unreached.
struct CallRecord {
  std::int64_t id = 0;
  std::string caller;            // the number the trunk presented, as given
  std::string dialled;           // the hotline number
  std::int64_t arrived_at = 0;   // unix ms
  std::int64_t answered_at = 0;  // by an agent; 0 = never
  std::int64_t ended_at = 0;     // 0 = still live
  std::string ivr_path;          // keys pressed, "1>2"
  std::string queue;             // "" = never queued
  std::int64_t queued_at = 0;
  std::int64_t queue_wait_ms = 0;
  std::string agent;             // agent login that answered
  std::string disposition;
  std::optional<std::int64_t> case_id;
  std::string recording;         // file name under the recordings directory, "" = none
  std::int64_t recording_expires_at = 0;  // unix s; the file is deleted after
  std::string keyed_id;          // 12-digit ID keyed in the IVR, if any
  bool keyed_verified = false;
  std::string callback_number;   // confirmed by keypad, for callbacks
  std::string transferred_to;    // extension the agent transferred the call to, if any
  std::string contact;           // the routing engine's id (a callback keeps it until called back)
  std::string direction = "inbound";  // "outbound": tongdai called a citizen back
};

std::string toJson(const CallRecord& c);
// Throws nothing; a malformed document gives a record with only the id set.
CallRecord callFromJson(std::int64_t id, const std::string& json);

}  // namespace tongdai::core::telephony
