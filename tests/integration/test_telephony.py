"""The hotline end to end: the real tongdai with SIP on, SIPp as the carrier's
trunk (a caller pressing keys with RFC 4733 events from Debian's sip-tester
pcaps) and as the agents' desk phones (register with digest, answer), checked
through the CDRs, cases, recordings and the audit log over the HTTP API.
"""

import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import wave

from helpers import HOST, ServerTestCase, WebSocket, free_port, make_data_dir, start_server

SOURCE = os.environ.get("TONGDAI_SOURCE") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SIP_DIR = os.path.join(SOURCE, "tests", "sip")
PCAPS = "/usr/share/sip-tester"
SIPP = shutil.which("sipp")
SIP_PASSWORD = "demo-sip-2026"
BINH_ID = "001085004721"  # a demo caller in the demo registry, born 14/03/1985


def _part(name):
    with open(os.path.join(SIP_DIR, "parts", name)) as f:
        return f.read().replace("CALLER_NUMBER", "%(caller)s")


# The trunk's call (tests/sip/parts/, shared with the browser test): the head up
# to the ACK, and two ways to end (the caller hangs up; tongdai does).
CALLER_HEAD = _part("caller_head.xml")
CALLER_BYE = _part("caller_hangs_up.xml")
WAIT_FOR_BYE = _part("caller_waits_for_bye.xml")


def keys_xml(keys, gap_ms=350):
    """RFC 4733 events for each key, from Debian's pcaps."""
    out = []
    for k in keys:
        name = {"#": "pound", "*": "star"}.get(k, k)
        out.append('  <nop><action><exec play_pcap_audio="%s/dtmf_2833_%s.pcap"/></action></nop>\n'
                   '  <pause milliseconds="%d"/>\n' % (PCAPS, name, gap_ms))
    return "".join(out)


class TelephonyBase(ServerTestCase):
    """A server with SIP on; `open_now` sets the business calendar around the clock or shut."""

    open_now = True
    config_text = ""  # a tongdai.toml for the server, if any

    @classmethod
    def setUpClass(cls):
        if not SIPP:
            raise AssertionError("sipp (Debian's sip-tester) is not installed: scripts/install-deps installs it")
        cls.sip_port = free_port()
        cls.tmp = tempfile.mkdtemp(prefix="tongdai-sip-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        config_file = None
        if cls.config_text:
            config_file = os.path.join(cls.tmp, "tongdai.toml")
            with open(config_file, "w") as f:
                f.write(cls.config_text)
        cls.srv = start_server(cls, extra_args=["--sip", "%s:%d" % (HOST, cls.sip_port)], config_file=config_file,
                               env={"TONGDAI_PROMPTS_DIR": os.environ.get("TONGDAI_PROMPTS_DIR", "")})
        cls.admin = cls.srv.client()
        cls.admin.login("quantri")
        cls.sup = cls.srv.client()
        cls.sup.login("giamsat")
        cls.set_hours(cls.open_now)

    @classmethod
    def set_hours(cls, open_now):
        status, _, cal = cls.admin.get("/api/v1/settings/calendar")
        assert status == 200, cal
        day = [["00:00", "24:00"]] if open_now else []
        cal["week"] = {d: day for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        cal["days_off"] = []
        cal["make_up_workdays"] = []
        status, _, body = cls.admin.request("PUT", "/api/v1/settings/calendar", cal)
        assert status == 200, body
        time.sleep(0.3)  # the routing engine opens/closes its queues on the change

    # --- SIPp processes

    def sipp(self, scenario, extra, timeout=60):
        port = free_port()
        args = [SIPP, "%s:%d" % (HOST, self.sip_port), "-sf", scenario, "-m", "1", "-i", HOST, "-p", str(port),
                "-mi", HOST, "-mp", str(free_port()), "-nostdin", "-timeout", str(timeout), "-timeout_error",
                "-trace_err", "-error_file", os.path.join(self.tmp, "sipp-%d.err" % port)] + extra
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.tmp)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc, port

    def register_phone(self, login, password=SIP_PASSWORD, scenario="uas_agent.xml", extra=()):
        """An agent's desk phone: a UAS (answering by default), registered for `login`."""
        uas, uas_port = self.sipp(os.path.join(SIP_DIR, scenario), list(extra), timeout=90)
        reg, _ = self.sipp(os.path.join(SIP_DIR, "register.xml"),
                           ["-s", login, "-au", login, "-ap", password, "-key", "contact_port", str(uas_port)])
        self.assertEqual(reg.wait(20), 0, "REGISTER failed: %s" % reg.stderr.read().decode(errors="replace"))
        return uas

    def caller(self, keys, then, caller="0912345678", pause_before_ms=1200):
        """A trunk call to 19000368 that presses `keys`, then `then` (XML)."""
        xml = CALLER_HEAD % {"caller": caller} + '  <pause milliseconds="%d"/>\n' % pause_before_ms
        xml += keys_xml(keys) + then % {"caller": caller}
        path = os.path.join(self.tmp, "caller-%d.xml" % free_port())
        with open(path, "w") as f:
            f.write(xml)
        proc, _ = self.sipp(path, ["-s", "19000368"], timeout=90)
        return proc

    def agent_on_phone(self, login, scenario="uas_agent.xml", extra=()):
        """`login`'s desk phone registered, the agent ready, and a socket on their desk's live events."""
        phone = self.register_phone(login, scenario=scenario, extra=extra)
        desk = self.agent_ready(login)
        status, _, _, ws = WebSocket.connect(self.srv.port, session=desk.session)
        self.assertEqual(status, 101)
        self.addCleanup(ws.close)
        return phone, desk, ws

    def agent_ready(self, login):
        op = self.srv.client()
        self.assertEqual(op.login(login)[0], 200)
        status, _, body = op.post("/api/v1/acd/me/state", {"state": "ready"})
        self.assertEqual(status, 200, body)
        # Each test has its own agents: log this one out afterwards (after wrap-up).
        def log_out():
            for state in ("wrap_up_done", "logged_out"):
                self.sup.post("/api/v1/acd/agents/%s/state" % login, {"state": state, "reason": "hết ca kiểm thử"})
        self.addCleanup(log_out)
        return op

    def calls(self):
        status, _, body = self.sup.get("/api/v1/calls")
        self.assertEqual(status, 200, body)
        return body["items"]

    def wait_call(self, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for c in self.calls():
                if predicate(c):
                    return c
            time.sleep(0.3)
        self.fail("no call record matched; calls: %s" % json.dumps(self.calls(), ensure_ascii=False)[:2000])

    @staticmethod
    def parse_ms(iso):
        from datetime import datetime
        return datetime.fromisoformat(iso).timestamp() * 1000


class Telephony(TelephonyBase):
    """Calls in business hours (the calendar is open around the clock here)."""

    def test_wrong_digest_is_refused(self):
        reg, _ = self.sipp(os.path.join(SIP_DIR, "register_forbidden.xml"),
                           ["-s", "tdv09", "-au", "tdv09", "-ap", "not-the-password", "-key", "contact_port", "5999"])
        self.assertEqual(reg.wait(20), 0, reg.stderr.read().decode(errors="replace"))

    def test_call_in_hours_reaches_the_ready_agent_with_cdr_case_and_recording(self):
        uas, op, ws = self.agent_on_phone("tdv11")
        other = self.srv.client()
        other.login("tdv19")
        status, _, _, other_ws = WebSocket.connect(self.srv.port, session=other.session)
        self.addCleanup(other_ws.close)
        # Presses 0 (operator) during the greeting, talks ~4 s once answered, hangs up.
        caller = self.caller("0", '  <pause milliseconds="9000"/>\n' + CALLER_BYE, caller="0912000111")
        # The screen pop reaches the ringing agent's desk, with what the IVR learnt.
        pop = ws.recv_json_until(lambda m: m.get("type") == "call.offered", timeout=15)
        self.assertEqual((pop["agent"], pop["caller"], pop["ivr_path"]), ("tdv11", "0912000111", "0"))
        self.assertIn("earlier_cases", pop)
        answered = ws.recv_json_until(lambda m: m.get("type") == "call.answered", timeout=15)
        # Hold and back, from the desk, while connected.
        self.assertEqual(op.post("/api/v1/acd/me/hold", {"on": True})[:1], (200,))
        time.sleep(0.5)
        self.assertEqual(op.post("/api/v1/acd/me/hold", {"on": False})[:1], (200,))
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        self.assertEqual(uas.wait(30), 0, uas.stderr.read().decode(errors="replace"))
        # The desk hears the end once the record is written: it can be read at once.
        ended = ws.recv_json_until(lambda m: m.get("type") == "call.ended", timeout=15)
        self.assertEqual(ended["contact"], pop["contact"])
        status, _, cdr = self.sup.get("/api/v1/calls/%d" % ended["call_id"])
        self.assertEqual((status, cdr["agent"], cdr["disposition"]), (200, "tdv11", "answered"))
        self.assertIsNotNone(cdr["ended_at"])
        self.assertEqual((ended["case_id"], ended["disposition"]), (cdr["case_id"], "answered"))
        self.assertEqual(answered["case_id"], cdr["case_id"])
        # Another operator's desk never sees the caller's number.
        self.assertError(op.post("/api/v1/acd/me/hold", {"on": True}), 409, "no_active_call")
        with self.assertRaises(OSError):  # socket.timeout: nothing matching arrived
            other_ws.recv_json_until(lambda m: m.get("type") in ("call.offered", "call.answered"), timeout=1)
        self.assertEqual(cdr["disposition"], "answered")
        self.assertEqual(cdr["ivr_path"], "0")
        self.assertEqual(cdr["queue"], "hotline")
        self.assertIsNotNone(cdr["case_id"])
        self.assertTrue(cdr["has_recording"])
        # The case, prefilled from the call.
        status, _, case = self.sup.get("/api/v1/cases/%d" % cdr["case_id"])
        self.assertEqual(status, 200, case)
        self.assertEqual(case["channel"], "phone")
        self.assertEqual(case["contact"]["phone"], "+84912000111")
        # The recording: stereo, 8 kHz, as long as the conversation.
        status, headers, _ = self.sup.request("GET", "/api/v1/calls/%d/recording" % cdr["id"])
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "audio/wav")
        path = os.path.join(self.srv.data_dir, "recordings")
        files = [f for f in os.listdir(path) if f.endswith(".wav")]
        self.assertTrue(files)
        with wave.open(os.path.join(path, sorted(files, key=lambda f: os.path.getmtime(os.path.join(path, f)))[-1])) as w:
            self.assertEqual((w.getnchannels(), w.getframerate(), w.getsampwidth()), (2, 8000, 2))
            seconds = w.getnframes() / 8000.0
        with_agent = (self.parse_ms(cdr["ended_at"]) - self.parse_ms(cdr["answered_at"])) / 1000.0
        self.assertAlmostEqual(seconds, with_agent, delta=1.5)
        # Playing it is audited.
        total = self.admin.audit_total()
        status, _, audit = self.admin.get("/api/v1/audit?from=%d&limit=50" % max(1, total - 49))
        self.assertIn("call.recording_played", [e["action"] for e in audit["items"]])

    def test_ring_timeout_moves_the_call_to_the_next_agent(self):
        silent = self.register_phone("tdv12", scenario="e2e_uas_noanswer.xml")
        self.agent_ready("tdv12")  # longest idle: offered first
        time.sleep(1.2)
        answering = self.register_phone("tdv13")
        self.agent_ready("tdv13")
        caller = self.caller("0", '  <pause milliseconds="24000"/>\n' + CALLER_BYE, caller="0912000777")
        self.assertEqual(caller.wait(90), 0, caller.stderr.read().decode(errors="replace"))
        try:
            self.assertEqual(silent.wait(30), 0, silent.stderr.read().decode(errors="replace"))
            self.assertEqual(answering.wait(30), 0, answering.stderr.read().decode(errors="replace"))
        except subprocess.TimeoutExpired:
            self.fail("the second agent's phone never finished; server log:\n" + self.srv.log()[-4000:])
        cdr = self.wait_call(lambda c: c["caller"].endswith("777") and c["ended_at"])
        self.assertEqual(cdr["agent"], "tdv13")
        self.assertEqual(cdr["disposition"], "answered")
        self.assertGreaterEqual(cdr["queue_wait_s"], 14)  # the first agent rang for the 15 s time-out

    def test_blind_transfer_to_another_extension(self):
        first = self.register_phone("tdv14")
        op = self.agent_ready("tdv14")
        second = self.register_phone("tdv15")
        status, _, _, ws = WebSocket.connect(self.srv.port, session=op.session)
        self.addCleanup(ws.close)
        caller = self.caller("0", '  <pause milliseconds="12000"/>\n' + CALLER_BYE, caller="0912000888")
        answered = ws.recv_json_until(lambda m: m.get("type") == "call.answered", timeout=20)
        status, _, _, second_ws = WebSocket.connect(self.srv.port, session=self.srv.login("tdv15").session)
        self.addCleanup(second_ws.close)
        self.assertError(op.post("/api/v1/acd/me/transfer", {"to": "tdv14"}), 422, "transfer_target", "to")
        self.assertError(op.post("/api/v1/acd/me/transfer", {"to": "tdv16"}), 422, "transfer_target", "to")
        status, _, body = op.post("/api/v1/acd/me/transfer", {"to": "tdv15"})
        self.assertEqual(status, 202, body)
        # The first agent's phone is released at once; the caller talks to tdv15, then hangs up.
        self.assertEqual(first.wait(30), 0, first.stderr.read().decode(errors="replace"))
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        self.assertEqual(second.wait(30), 0, second.stderr.read().decode(errors="replace"))
        moved = second_ws.recv_json_until(lambda m: m.get("type") == "call.transferred", timeout=5)
        self.assertEqual((moved["from"], moved["caller"], moved["case_id"]), ("tdv14", "0912000888", answered["case_id"]))
        cdr = self.wait_call(lambda c: c["caller"].endswith("888") and c["ended_at"])
        self.assertEqual((cdr["agent"], cdr["transferred_to"], cdr["disposition"]), ("tdv14", "tdv15", "answered"))
        # Both desks hear the end.
        for sock in (ws, second_ws):
            self.assertEqual(sock.recv_json_until(lambda m: m.get("type") == "call.ended", timeout=10)["call_id"], cdr["id"])
        # The newest call, alone.
        status, _, newest = self.sup.get("/api/v1/calls?limit=1")
        self.assertEqual((status, len(newest["items"])), (200, 1))
        self.assertError(self.sup.get("/api/v1/calls?limit=0"), 422, "invalid_query", "limit")
        self.assertError(self.sup.get("/api/v1/calls?limit=x"), 422, "invalid_query", "limit")

    def test_unanswered_blind_transfer_brings_the_caller_back(self):
        self.register_phone("tdv18")
        op = self.agent_ready("tdv18")
        self.register_phone("tdv16", scenario="e2e_uas_noanswer.xml")
        status, _, _, ws = WebSocket.connect(self.srv.port, session=op.session)
        self.addCleanup(ws.close)
        # Speaks 7 s (RTP keeps the leg alive: the RTP time-out is 30 s), hangs up 26 s after the key.
        speech = '  <nop><action><exec play_pcap_audio="%s/g711a.pcap"/></action></nop>\n' % PCAPS
        caller = self.caller("0", speech + '  <pause milliseconds="26000"/>\n' + CALLER_BYE, caller="0912000432")
        ws.recv_json_until(lambda m: m.get("type") == "call.answered", timeout=20)
        self.assertEqual(op.post("/api/v1/acd/me/transfer", {"to": "tdv16"})[0], 202)
        failed = ws.recv_json_until(lambda m: m.get("type") == "call.transfer_failed", timeout=30)
        self.assertEqual(failed["to"], "tdv16")
        # Still with the first agent: the desk can hold the call.
        self.assertEqual(op.post("/api/v1/acd/me/hold", {"on": False})[0], 200)
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace") + self.srv.log()[-3000:])
        cdr = self.wait_call(lambda c: c["caller"].endswith("432") and c["ended_at"])
        self.assertEqual((cdr["agent"], cdr["transferred_to"], cdr["disposition"]), ("tdv18", "", "answered"))

    def test_blind_transfer_to_the_officers_pool(self):
        first, op, ws = self.agent_on_phone("tdv17")
        caller = self.caller("0", '  <pause milliseconds="14000"/>\n' + CALLER_BYE, caller="0912000444")
        answered = ws.recv_json_until(lambda m: m.get("type") == "call.answered", timeout=20)
        # No officer is signed in with a phone: refused, and the call stays with the operator.
        self.assertError(op.post("/api/v1/acd/me/transfer", {"to": "officers"}), 409, "no_officer_available")
        officer_phone, officer, officer_ws = self.agent_on_phone("cbnv05")
        status, _, me = officer.get("/api/v1/acd/me")
        self.assertEqual((status, me["state"], me["phone_registered"]), (200, "ready", True))
        # Mid-call the CDR is already in the store (written at arrival), not yet ended.
        live = self.wait_call(lambda c: c["caller"].endswith("444"))
        self.assertIsNone(live["ended_at"])
        self.assertEqual(live["agent"], "tdv17")
        status, _, body = op.post("/api/v1/acd/me/transfer", {"to": "officers"})
        self.assertEqual(status, 202, body)
        # The operator's phone is released; the officer's rings with the operator's case on the pop.
        self.assertEqual(first.wait(30), 0, first.stderr.read().decode(errors="replace"))
        pop = officer_ws.recv_json_until(lambda m: m.get("type") == "call.offered", timeout=20)
        self.assertEqual((pop["agent"], pop["caller"], pop["transferred_from"], pop["case_id"]),
                         ("cbnv05", "0912000444", "tdv17", answered["case_id"]))
        self.assertNotIn(answered["case_id"], [c["id"] for c in pop["earlier_cases"]])
        try:
            got = officer_ws.recv_json_until(lambda m: m.get("type") == "call.answered", timeout=20)
        except OSError:
            self.fail("the officer's desk never got call.answered; server log:\n" + self.srv.log()[-5000:])
        self.assertEqual(got["case_id"], answered["case_id"])
        status, _, mine = op.get("/api/v1/acd/me")
        self.assertEqual(mine["state"], "wrap_up")
        # A desk (re)loaded now rebuilds its panel from /acd/me.
        mine = officer.get("/api/v1/acd/me")[2]["call"]
        self.assertEqual((mine["state"], mine["caller"], mine["from"], mine["case_id"], mine["on_hold"]),
                         ("connected", "0912000444", "tdv17", answered["case_id"], False))
        self.assertIsNotNone(mine["connected_at"])
        self.assertIsNone(op.get("/api/v1/acd/me")[2]["call"])
        # The officer can hold the call from the desk.
        self.assertEqual(officer.post("/api/v1/acd/me/hold", {"on": True})[:1], (200,))
        self.assertIs(officer.get("/api/v1/acd/me")[2]["call"]["on_hold"], True)
        self.assertEqual(officer.post("/api/v1/acd/me/hold", {"on": False})[:1], (200,))
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        self.assertEqual(officer_phone.wait(30), 0, officer_phone.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("444") and c["ended_at"])
        self.assertEqual((cdr["agent"], cdr["transferred_to"], cdr["disposition"], cdr["case_id"]),
                         ("tdv17", "cbnv05", "answered", answered["case_id"]))
        # Both parts are recorded and playable: the operator's, then the officer's.
        self.assertTrue(cdr["has_transfer_recording"])
        for part in ("agent", "transfer"):
            status, headers, _ = self.sup.request("GET", "/api/v1/calls/%d/recording?part=%s" % (cdr["id"], part))
            self.assertEqual((status, headers["Content-Type"]), (200, "audio/wav"), part)
        self.assertError(self.sup.get("/api/v1/calls/%d/recording?part=x" % cdr["id"]), 422, "invalid_query", "part")
        status, _, agents = self.sup.get("/api/v1/acd/agents")
        by_login = {a["agent"]: a for a in agents["items"]}
        self.assertIs(by_login["cbnv05"]["phone_registered"], True)
        self.assertIs(by_login["tdv17"]["phone_registered"], True)

    def test_officers_are_never_offered_the_hotlines_own_calls(self):
        _, officer, officer_ws = self.agent_on_phone("cbnv06")
        caller = self.caller("0", '  <pause milliseconds="4000"/>\n' + CALLER_BYE, caller="0912000555")
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("555") and c["ended_at"])
        self.assertEqual(cdr["disposition"], "abandoned_queue")
        with self.assertRaises(OSError):  # socket.timeout: no offer reached the officer
            officer_ws.recv_json_until(lambda m: m.get("type") == "call.offered", timeout=0.5)

    def test_hold_pressed_on_the_agents_phone(self):
        phone, op, ws = self.agent_on_phone("tdv20", scenario="uas_agent_hold.xml")
        caller = self.caller("0", '  <pause milliseconds="7000"/>\n' + CALLER_BYE, caller="0912000246")
        ws.recv_json_until(lambda m: m.get("type") == "call.answered", timeout=20)
        # The phone's re-INVITEs (sendonly, then sendrecv) reach the desk as hold and resume.
        try:
            held = ws.recv_json_until(lambda m: m.get("type") == "call.hold", timeout=10)
        except OSError:
            phone.kill()
            errs = "".join(open(f, errors="replace").read()[-1500:] for f in glob.glob(self.tmp + "/*.err"))
            self.fail("no hold from the phone; phone: %s\nserver log:\n%s" % (errs, self.srv.log()[-2500:]))
        resumed = ws.recv_json_until(lambda m: m.get("type") == "call.hold", timeout=10)
        self.assertEqual((held["on"], resumed["on"]), (True, False))
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        self.assertEqual(phone.wait(30), 0, phone.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("246") and c["ended_at"])
        self.assertEqual((cdr["agent"], cdr["disposition"]), ("tdv20", "answered"))

    def test_transfer_pressed_on_the_agents_phone(self):
        first = self.register_phone("tdv08", scenario="uas_agent_refer.xml", extra=["-key", "target", "tdv09"])
        self.agent_ready("tdv08")
        second = self.register_phone("tdv09")
        caller = self.caller("0", '  <pause milliseconds="8000"/>\n' + CALLER_BYE, caller="0912000135")
        # The phone's REFER (202) moves the caller to tdv09; tdv08's phone gets its BYE.
        self.assertEqual(first.wait(30), 0, first.stderr.read().decode(errors="replace"))
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        self.assertEqual(second.wait(30), 0, second.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("135") and c["ended_at"])
        self.assertEqual((cdr["agent"], cdr["transferred_to"], cdr["disposition"]), ("tdv08", "tdv09", "answered"))

    def test_caller_who_hangs_up_in_queue_is_an_abandon(self):
        # Nobody is ready for this queue position long enough: the caller leaves after 3 s.
        caller = self.caller("0", '  <pause milliseconds="3000"/>\n' + CALLER_BYE, caller="0912000222")
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("222") and c["ended_at"])
        self.assertEqual(cdr["disposition"], "abandoned_queue")
        self.assertEqual(cdr["ivr_path"], "0")

    def test_self_service_status_right_and_wrong_birth_date(self):
        for birth, verified, phone in (("14031985", True, "0912000444"), ("15031985", False, "0912000555")):
            # 2 = self-service; the ID, '#', the birth date; then silence until tongdai hangs up
            # (after three mismatches it transfers; one mismatch asks again, so hang up ourselves).
            keys = "2" + BINH_ID + "#" + birth
            caller = self.caller(keys, '  <pause milliseconds="6000"/>\n' + CALLER_BYE, caller=phone)
            self.assertEqual(caller.wait(90), 0, caller.stderr.read().decode(errors="replace"))
            cdr = self.wait_call(lambda c: c["caller"].endswith(phone[-3:]) and c["ended_at"])
            self.assertEqual(cdr["ivr_path"], "2")
            status, _, trail = self.sup.get("/api/v1/registry/audit?citizen_id=" + BINH_ID)
            entries = [e for e in trail["items"] if e["action"] == "registry.self_service"]
            self.assertTrue(entries, trail)
            self.assertEqual(entries[0]["details"]["verified"], verified)


class CallbackInQueue(TelephonyBase):
    """Its own server: the callback keeps its place in the queue afterwards (the routing
    engine offers it to the next ready agent), which would disturb other tests."""

    def test_callback_by_keypad_in_queue(self):
        # In the queue, 1 = call me back (keeps the place); tongdai confirms and hangs up.
        caller = self.caller("0", '  <pause milliseconds="2500"/>\n' + keys_xml("1") + WAIT_FOR_BYE,
                             caller="0912000333")
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("333") and c["ended_at"])
        self.assertEqual(cdr["disposition"], "callback")
        self.assertIsNotNone(cdr["case_id"])


class QueueLimits(TelephonyBase):
    """[queues.hotline] from the configuration: overflow to the officers after
    2 s, and a callback booked for whoever waits 6 s."""

    config_text = """
[queues.hotline]
overflow_after_s = 2
overflow_to = "officers"
max_wait_s = 6
"""

    def test_overflow_to_the_officers_after_the_configured_wait(self):
        phone, officer, ws = self.agent_on_phone("cbnv07")
        caller = self.caller("0", '  <pause milliseconds="6000"/>\n' + CALLER_BYE, caller="0912000321")
        try:
            pop = ws.recv_json_until(lambda m: m.get("type") == "call.offered", timeout=20)
        except OSError:
            self.fail("no offer reached the officer; server log:\n" + self.srv.log()[-4000:])
        self.assertGreaterEqual(pop["waited_s"], 2)
        self.assertNotIn("transferred_from", pop)
        answered = ws.recv_json_until(lambda m: m.get("type") == "call.answered", timeout=20)
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        self.assertEqual(phone.wait(30), 0, phone.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("321") and c["ended_at"])
        self.assertEqual((cdr["agent"], cdr["disposition"], cdr["case_id"]), ("cbnv07", "answered", answered["case_id"]))
        status, _, case = self.sup.get("/api/v1/cases/%d" % cdr["case_id"])
        self.assertEqual(case["assignee_id"], officer.get("/api/v1/session")[2]["user"]["id"])

    def test_maximum_wait_books_a_callback_and_hangs_up(self):
        caller = self.caller("0", WAIT_FOR_BYE, caller="0912000654")
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("654") and c["ended_at"])
        self.assertEqual(cdr["disposition"], "callback")
        self.assertGreaterEqual(cdr["queue_wait_s"], 6)
        self.assertLess(cdr["queue_wait_s"], 9)
        status, _, case = self.sup.get("/api/v1/cases/%d" % cdr["case_id"])
        self.assertEqual(status, 200, case)
        self.assertIn("goi_lai", case["tags"])
        # Its turn comes (it had overflowed to the officers): offered on the desk of the one who gets ready.
        officer = self.srv.client()
        officer.login("cbnv08")
        status, _, _, ws = WebSocket.connect(self.srv.port, session=officer.session)
        self.addCleanup(ws.close)
        self.agent_ready("cbnv08")
        pop = ws.recv_json_until(lambda m: m.get("type") == "callback.offered", timeout=15)
        self.assertEqual((pop["number"], pop["case_id"]), ("0912000654", cdr["case_id"]))
        contact = pop["contact"]
        self.assertEqual(officer.get("/api/v1/acd/me")[2]["callback"]["state"], "offered")
        self.assertError(officer.post("/api/v1/acd/me/callback", {"contact": contact, "action": "done"}), 409,
                         "callback_not_accepted", "action")
        self.assertError(officer.post("/api/v1/acd/me/callback", {"contact": contact, "action": "x"}), 422,
                         "invalid_action", "action")
        other = self.srv.login("cbnv09")
        self.assertError(other.post("/api/v1/acd/me/callback", {"contact": contact, "action": "accept"}), 409,
                         "callback_not_offered", "contact")
        status, _, body = officer.post("/api/v1/acd/me/callback", {"contact": contact, "action": "accept"})
        self.assertEqual((status, body["state"]), (200, "accepted"), body)
        mine = officer.get("/api/v1/acd/me")[2]["callback"]
        self.assertEqual((mine["contact"], mine["number"], mine["state"], mine["dialling"]),
                         (contact, "0912000654", "accepted", False))
        self.assertEqual(officer.get("/api/v1/acd/me")[2]["state"], "busy")
        # The callback case is the officer's now.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            case = self.sup.get("/api/v1/cases/%d" % cdr["case_id"])[2]
            if case.get("assignee_id") == officer.get("/api/v1/session")[2]["user"]["id"]:
                break
            time.sleep(0.1)
        else:
            self.fail("the callback case was not assigned to the officer: %s" % case)
        status, _, body = officer.post("/api/v1/acd/me/callback", {"contact": contact, "action": "done"})
        self.assertEqual((status, body["state"]), (200, "done"), body)
        self.assertEqual(officer.get("/api/v1/acd/me")[2]["state"], "wrap_up")
        self.assertError(officer.post("/api/v1/acd/me/callback", {"contact": contact, "action": "done"}), 409,
                         "callback_not_offered", "contact")


class CallbackThroughTheTrunk(TelephonyBase):
    """With sip_outbound_trunk, accepting a callback makes tongdai call: the
    agent's phone, then the citizen through the carrier (SIPp as the trunk)."""

    @classmethod
    def setUpClass(cls):
        cls.trunk_port = free_port()
        cls.config_text = 'sip_outbound_trunk = "%s:%d"\n' % (HOST, cls.trunk_port)
        super().setUpClass()

    def carrier(self, scenario):
        args = [SIPP, "-sf", os.path.join(SIP_DIR, scenario), "-m", "1", "-i", HOST, "-p", str(self.trunk_port),
                "-mi", HOST, "-mp", str(free_port()), "-nostdin", "-timeout", "60", "-timeout_error",
                "-trace_err", "-error_file", os.path.join(self.tmp, "carrier-%s.err" % scenario)]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.tmp)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def leave_callback(self, number):
        caller = self.caller("0", '  <pause milliseconds="2500"/>\n' + keys_xml("1") + WAIT_FOR_BYE, caller=number)
        self.assertEqual(caller.wait(60), 0, caller.stderr.read().decode(errors="replace"))
        return self.wait_call(lambda c: c["caller"].endswith(number[-3:]) and c["ended_at"])

    def test_accepting_a_callback_calls_the_agent_then_the_citizen(self):
        left = self.leave_callback("0912000765")
        self.assertEqual(left["disposition"], "callback")
        # Busy first: the citizen's line is engaged; the callback stays with the agent.
        busy = self.carrier("uas_busy.xml")
        phone = self.register_phone("tdv10")
        op = self.srv.login("tdv10")
        status, _, _, ws = WebSocket.connect(self.srv.port, session=op.session)
        self.addCleanup(ws.close)
        self.agent_ready("tdv10")
        pop = ws.recv_json_until(lambda m: m.get("type") == "callback.offered", timeout=15)
        status, _, body = op.post("/api/v1/acd/me/callback", {"contact": pop["contact"], "action": "accept"})
        self.assertEqual((status, body["state"], body["dialling"]), (200, "accepted", True), body)
        unreached = ws.recv_json_until(lambda m: m.get("type") == "callback.unreached", timeout=20)
        self.assertEqual(unreached["contact"], pop["contact"])
        self.assertEqual(busy.wait(20), 0, busy.stderr.read().decode(errors="replace"))
        self.assertEqual(phone.wait(20), 0, phone.stderr.read().decode(errors="replace"))
        self.assertEqual(op.get("/api/v1/acd/me")[2]["state"], "busy")
        # Again: the citizen answers, talks 3 s and hangs up; the callback is over.
        citizen = self.carrier("uas_citizen.xml")
        phone = self.register_phone("tdv10")
        status, _, body = op.post("/api/v1/acd/me/callback", {"contact": pop["contact"], "action": "dial"})
        self.assertEqual((status, body["dialling"]), (200, True), body)
        ws.recv_json_until(lambda m: m.get("type") == "callback.connected", timeout=20)
        ended = ws.recv_json_until(lambda m: m.get("type") == "call.ended" and m["disposition"] == "answered",
                                   timeout=20)
        self.assertEqual(citizen.wait(20), 0, citizen.stderr.read().decode(errors="replace"))
        self.assertEqual(phone.wait(20), 0, phone.stderr.read().decode(errors="replace"))
        status, _, out = self.sup.get("/api/v1/calls/%d" % ended["call_id"])
        self.assertEqual((out["direction"], out["caller"], out["agent"], out["disposition"], out["case_id"]),
                         ("outbound", "0912000765", "tdv10", "answered", left["case_id"]))
        self.assertTrue(out["has_recording"])
        status, headers, _ = self.sup.request("GET", "/api/v1/calls/%d/recording" % out["id"])
        self.assertEqual((status, headers["Content-Type"]), (200, "audio/wav"))
        self.assertEqual(op.get("/api/v1/acd/me")[2]["state"], "wrap_up")
        self.assertError(op.post("/api/v1/acd/me/callback", {"contact": pop["contact"], "action": "dial"}), 409,
                         "callback_not_offered", "contact")
        # Both attempts are on the case.
        status, _, calls = self.sup.get("/api/v1/cases/%d/calls" % left["case_id"])
        self.assertEqual(sorted(c["disposition"] for c in calls["items"]), ["answered", "callback", "unreached"])


class OutOfHours(TelephonyBase):
    open_now = False

    def test_out_of_hours_message_and_callback(self):
        # The hours message, then the callback offer: 1 confirms the calling number.
        loop = """
  <label id="again"/>
""" + keys_xml("1") + """
  <recv request="BYE" timeout="2500" ontimeout="again"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
  ]]></send>
</scenario>
"""
        caller = self.caller("", loop, caller="0912000666")
        self.assertEqual(caller.wait(90), 0, caller.stderr.read().decode(errors="replace"))
        cdr = self.wait_call(lambda c: c["caller"].endswith("666") and c["ended_at"])
        self.assertEqual(cdr["disposition"], "out_of_hours")
        self.assertIsNotNone(cdr["case_id"])


class CdrSurvivesKill(TelephonyBase):
    """The CDR is written when the call arrives, so a crash loses no call."""

    def test_a_call_live_at_kill_9_is_closed_as_failed_at_the_next_start(self):
        # The caller listens to the greeting for a long time: the server dies under it.
        caller = self.caller("", '  <pause milliseconds="30000"/>\n' + CALLER_BYE, caller="0912000999")
        live = self.wait_call(lambda c: c["caller"].endswith("999"))
        self.assertIsNone(live["ended_at"])
        self.assertEqual(live["disposition"], "")
        self.srv.kill()
        caller.kill()
        self.srv.start()
        self.__class__.sup = self.srv.login("giamsat")
        cdr = self.wait_call(lambda c: c["id"] == live["id"] and c["ended_at"], timeout=10)
        self.assertEqual(cdr["disposition"], "failed")
        self.assertEqual(cdr["arrived_at"], live["arrived_at"])


class RecordingRetention(ServerTestCase):
    def test_recordings_past_retention_are_deleted_at_start(self):
        root, data_dir = make_data_dir(True)
        self.addCleanup(shutil.rmtree, root, True)
        rec = os.path.join(data_dir, "recordings")
        os.makedirs(rec)
        old, new = os.path.join(rec, "call-old.wav"), os.path.join(rec, "call-new.wav")
        for path in (old, new):
            with open(path, "wb") as f:
                f.write(b"RIFF")
        hundred_days_ago = time.time() - 100 * 86400
        os.utime(old, (hundred_days_ago, hundred_days_ago))  # retention is 90 days by default
        start_server(self, data=(root, data_dir), extra_args=["--sip", "%s:%d" % (HOST, free_port())],
                     env={"TONGDAI_PROMPTS_DIR": os.environ.get("TONGDAI_PROMPTS_DIR", "")})
        deadline = time.monotonic() + 5
        while os.path.exists(old) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertFalse(os.path.exists(old))
        self.assertTrue(os.path.exists(new))


if __name__ == "__main__":
    unittest.main()
