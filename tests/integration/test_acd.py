"""The routing engine in the running server: the operator's state switch,
supervisors forcing a state (audited), live events, and the event log that
restores today's states after a restart."""

import time
import unittest

from helpers import ServerTestCase, WebSocket, start_server


class AgentStateTests(ServerTestCase):
    def setUp(self):
        self.srv = start_server(self)
        self.op = self.srv.login("tdv03")
        self.sup = self.srv.login("giamsat")
        self.admin = self.srv.login("quantri")

    def my_state(self):
        status, _, body = self.op.get("/api/v1/acd/me")
        self.assertEqual(status, 200, body)
        return body

    def test_operator_switches_state(self):
        self.assertEqual(self.my_state()["state"], "logged_out")
        status, _, body = self.op.post("/api/v1/acd/me/state", {"state": "ready"})
        self.assertEqual((status, body["state"]), (200, "ready"), body)
        status, _, body = self.op.post("/api/v1/acd/me/state", {"state": "not_ready", "reason": "Nghỉ trưa"})
        self.assertEqual((status, body["state"], body["reason"]), (200, "not_ready", "Nghỉ trưa"), body)
        self.assertError(self.op.post("/api/v1/acd/me/state", {"state": "busy"}), 422, "invalid_state", "state")
        self.assertError(self.op.post("/api/v1/acd/me/state", {"state": "wrap_up_done"}), 409,
                         "invalid_transition", "state")
        status, _, agents = self.sup.get("/api/v1/acd/agents")
        mine = [a for a in agents["items"] if a["agent"] == "tdv03"]
        self.assertEqual(mine[0]["state"], "not_ready")

    def test_supervisor_forces_a_state_with_a_reason_and_it_is_audited(self):
        self.op.post("/api/v1/acd/me/state", {"state": "ready"})
        self.assertError(self.sup.post("/api/v1/acd/agents/tdv03/state", {"state": "not_ready"}), 422,
                         "required", "reason")
        self.assertError(self.sup.post("/api/v1/acd/agents/giamsat/state",
                                       {"state": "not_ready", "reason": "x"}), 404, "not_found")
        before = self.admin.audit_total()
        status, _, body = self.sup.post("/api/v1/acd/agents/tdv03/state",
                                        {"state": "not_ready", "reason": "Họp giao ban"})
        self.assertEqual((status, body["state"]), (200, "not_ready"), body)
        self.assertEqual(self.admin.audit_total(), before + 1)
        status, _, audit = self.admin.get("/api/v1/audit?from=%d&limit=5" % (before + 1))
        self.assertEqual(audit["items"][0]["action"], "acd.force_state")
        self.assertEqual(audit["items"][0]["reason"], "Họp giao ban")
        self.assertError(self.op.post("/api/v1/acd/agents/tdv04/state", {"state": "ready", "reason": "x"}), 403,
                         "forbidden")

    def test_state_changes_are_pushed_live(self):
        status, _, _, ws = WebSocket.connect(self.srv.port, session=self.sup.session)
        self.assertEqual(status, 101)
        self.addCleanup(ws.close)
        time.sleep(0.2)
        self.op.post("/api/v1/acd/me/state", {"state": "ready"})
        msg = ws.recv_json_until(lambda m: m.get("type") == "agent.state" and m.get("agent") == "tdv03"
                                 and m.get("state") == "ready", timeout=2)
        self.assertEqual(msg["from"], "not_ready")

    def test_day_metrics_replay_the_event_log(self):
        self.op.post("/api/v1/acd/me/state", {"state": "ready"})
        time.sleep(0.3)
        self.op.post("/api/v1/acd/me/state", {"state": "not_ready", "reason": "Nghỉ"})
        time.sleep(0.3)  # the log is written asynchronously
        status, _, m = self.sup.get("/api/v1/acd/metrics")
        self.assertEqual(status, 200, m)
        times = m["agents"]["tdv03"]["agent_time_s"]
        self.assertGreater(times["ready"], 0.1)
        self.assertEqual(m["total"]["arrivals"], 0)
        self.assertError(self.sup.get("/api/v1/acd/metrics?date=2026-13-01"), 422, "invalid_query", "date")
        self.assertError(self.op.get("/api/v1/acd/metrics"), 403, "forbidden")

    def test_todays_states_survive_a_restart(self):
        self.op.post("/api/v1/acd/me/state", {"state": "not_ready", "reason": "Tập huấn"})
        time.sleep(0.3)  # the event log is written asynchronously
        self.srv.stop()
        self.srv.start()
        op = self.srv.login("tdv03")
        status, _, body = op.get("/api/v1/acd/me")
        self.assertEqual((body["state"], body["reason"]), ("not_ready", "Tập huấn"), body)


if __name__ == "__main__":
    unittest.main()
