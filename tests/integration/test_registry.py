"""Citizen look-ups over real HTTP against the real tongdai: the registry is the
demo's SQLite file (20,000 generated people plus the demo cases' callers), the
PostgreSQL registry loaded by `tongdai registry generate`, and the national
service's stand-in (`tongdai registry serve-stub`) reached by the HTTP adapter.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from helpers import (BIN, HOST, ServerTestCase, WebSocket, clean_env, free_port, make_data_dir,
                     run_cli, start_server)

# Demo callers (src/app/demo.cc): same IDs in the cases and in the registry.
BINH = {"citizen_id": "001085004721", "full_name": "Nguyễn Văn Bình", "birth_date": "14/03/1985"}
KIM = {"citizen_id": "052139128809", "full_name": "Dương Thị Kim", "birth_date": "1939"}
LE = {"citizen_id": "001188084461", "full_name": "Bùi Thị Lệ", "birth_date": "05/12/1988"}
PG = os.environ.get("TONGDAI_TEST_PG")


def case_for(op, citizen):
    return op.must_create_case(citizen_id=citizen["citizen_id"],
                               contact={"name": citizen["full_name"], "phone": "0912345678"})


def escalate_and_claim(op, officer, case_id):
    status, _, lk = op.post("/api/v1/cases/%d/escalate" % case_id,
                            {"what": "Tra cứu tiến độ hồ sơ cấp thẻ", "reason": "Công dân hỏi"})
    assert status in (200, 201), (status, lk)
    lookup_id = lk["lookup"]["id"] if "lookup" in lk else lk["id"]
    status, _, body = officer.post("/api/v1/lookups/%d/claim" % lookup_id)
    assert status == 200, (status, body)


class RegistryApi(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)

    def setUp(self):
        self.op = self.srv.client()
        self.assertEqual(self.op.login("tdv01")[0], 200)
        self.officer = self.srv.client()
        self.assertEqual(self.officer.login("cbnv01")[0], 200)
        self.sup = self.srv.client()
        self.assertEqual(self.sup.login("giamsat")[0], 200)

    def officer_case(self, citizen=BINH):
        c = case_for(self.op, citizen)
        escalate_and_claim(self.op, self.officer, c["id"])
        return c["id"]

    def test_officer_looks_up_by_id_and_it_is_audited(self):
        cid = self.officer_case()
        status, _, body = self.officer.post("/api/v1/registry/person", {
            "case_id": cid, "reason": "Công dân hỏi tiến độ cấp thẻ", "citizen_id": "001 085 004721"})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["found"])
        person = body["record"]["person"]
        self.assertEqual(person["id"], "001085004721")
        self.assertEqual(person["full_name"], "Nguyễn Văn Bình")
        self.assertEqual(person["birth_date"], "1985-03-14")
        self.assertEqual(person["former_province"], "Hà Nội")
        apps = body["record"]["applications"]
        self.assertEqual(len(apps), 1)
        self.assertEqual(apps[0]["stage"], "received")
        self.assertIn("summary", apps[0])
        # The supervisor sees the entry: actor, case, reason, the ID looked up.
        status, _, trail = self.sup.get("/api/v1/registry/audit?case_id=%d" % cid)
        self.assertEqual(status, 200)
        entry = trail["items"][0]
        self.assertEqual(entry["action"], "registry.person")
        self.assertEqual(entry["actor_login"], "cbnv01")
        self.assertEqual(entry["case_id"], cid)
        self.assertEqual(entry["reason"], "Công dân hỏi tiến độ cấp thẻ")
        self.assertEqual(entry["citizen_id"], "001*******21")  # masked in lists
        self.assertTrue(entry["details"]["found"])
        # "Who looked at my record?" shows the whole number.
        status, _, mine = self.sup.get("/api/v1/registry/audit?citizen_id=001085004721")
        self.assertEqual(status, 200)
        self.assertTrue(any(e["case_id"] == cid and e["citizen_id"] == "001085004721" for e in mine["items"]))

    def test_unknown_id_is_audited_as_not_found(self):
        cid = self.officer_case()
        status, _, body = self.officer.post("/api/v1/registry/person", {
            "case_id": cid, "reason": "kiểm tra", "citizen_id": "001085999998"})
        self.assertEqual(status, 200)
        self.assertFalse(body["found"])
        self.assertIn("Không tìm thấy", body["message"])
        status, _, trail = self.sup.get("/api/v1/registry/audit?case_id=%d" % cid)
        self.assertFalse(trail["items"][0]["details"]["found"])

    def test_a_look_up_must_name_a_case_and_a_reason(self):
        self.assertError(self.officer.post("/api/v1/registry/person", {"citizen_id": BINH["citizen_id"]}),
                         422, "case_required", "case_id")
        cid = self.officer_case()
        self.assertError(self.officer.post("/api/v1/registry/person",
                                           {"case_id": cid, "citizen_id": BINH["citizen_id"]}),
                         422, "reason_required", "reason")
        self.assertError(self.officer.post("/api/v1/registry/person",
                                           {"case_id": cid, "reason": "   ", "citizen_id": BINH["citizen_id"]}),
                         422, "reason_required", "reason")
        self.assertError(self.officer.post("/api/v1/registry/person",
                                           {"case_id": 99999999, "reason": "x", "citizen_id": BINH["citizen_id"]}),
                         404, "not_found", "case_id")
        self.assertError(self.officer.post("/api/v1/registry/person",
                                           {"case_id": cid, "reason": "x", "citizen_id": "0010850047"}),
                         422, "citizen_id_length", "citizen_id")

    def test_an_officer_may_not_look_up_for_a_case_they_did_not_claim(self):
        c = case_for(self.op, BINH)
        self.assertError(self.officer.post("/api/v1/registry/person",
                                           {"case_id": c["id"], "reason": "x", "citizen_id": BINH["citizen_id"]}),
                         403, "case_not_yours")

    def test_no_look_ups_for_a_closed_case(self):
        cid = case_for(self.op, BINH)["id"]
        for to in ("answered", "closed"):
            status, _, body = self.op.post("/api/v1/cases/%d/status" % cid, {"status": to})
            self.assertEqual(status, 200, body)
        self.assertError(self.op.post("/api/v1/registry/verify", dict(case_id=cid, **BINH)), 409, "case_closed")

    def test_roles(self):
        cid = self.officer_case()
        body = {"case_id": cid, "reason": "x", "citizen_id": BINH["citizen_id"]}
        # Operators only verify; supervisors and admins look nothing up.
        self.assertError(self.op.post("/api/v1/registry/person", body), 403, "forbidden")
        self.assertError(self.sup.post("/api/v1/registry/person", body), 403, "forbidden")
        admin = self.srv.client()
        admin.login("quantri")
        for path in ("/api/v1/registry/person", "/api/v1/registry/search", "/api/v1/registry/verify"):
            self.assertError(admin.post(path, body), 403, "forbidden")
        self.assertError(admin.get("/api/v1/registry/audit"), 403, "forbidden")
        self.assertError(self.op.get("/api/v1/registry/audit"), 403, "forbidden")
        self.assertError(self.officer.get("/api/v1/registry/audit"), 403, "forbidden")

    def test_search_by_name_is_accent_insensitive_masked_and_opens_by_ref(self):
        cid = self.officer_case()
        status, _, body = self.officer.post("/api/v1/registry/search", {
            "case_id": cid, "reason": "Công dân không nhớ số định danh",
            "full_name": "nguyen van binh", "birth_date": "14/03/1985"})
        self.assertEqual(status, 200, body)
        self.assertGreaterEqual(len(body["items"]), 1)
        first = body["items"][0]
        self.assertEqual(first["masked_id"], "001*******21")
        self.assertEqual(first["full_name"], "Nguyễn Văn Bình")
        self.assertNotIn("001085004721", json.dumps(body))  # lists never carry a whole ID
        status, _, opened = self.officer.post("/api/v1/registry/person",
                                              {"case_id": cid, "reason": "mở kết quả", "ref": first["ref"]})
        self.assertEqual(status, 200, opened)
        self.assertEqual(opened["record"]["person"]["id"], "001085004721")
        # A ref is the officer's own.
        other = self.srv.client()
        other.login("cbnv02")
        c2 = case_for(self.op, BINH)
        escalate_and_claim(self.op, other, c2["id"])
        self.assertError(other.post("/api/v1/registry/person", {"case_id": c2["id"], "reason": "x",
                                                                 "ref": first["ref"]}),
                         422, "ref_expired", "ref")
        # đ/d and capitals: "DUONG THI KIM" finds Dương Thị Kim, whose record knows only the year.
        status, _, kim = self.officer.post("/api/v1/registry/search", {
            "case_id": cid, "reason": "x", "full_name": "DUONG THI KIM", "birth_date": "02/05/1939"})
        self.assertEqual(status, 200)
        self.assertIn("052*******09", [i["masked_id"] for i in kim["items"]])
        status, _, trail = self.sup.get("/api/v1/registry/audit?case_id=%d" % cid)
        search = [e for e in trail["items"] if e["action"] == "registry.search"][-1]
        self.assertEqual(search["details"]["query"]["initials"], "N.V.B.")
        self.assertIn("001*******21", search["details"]["returned"])

    def test_search_refuses_what_would_page_the_registry(self):
        cid = self.officer_case()
        self.assertError(self.officer.post("/api/v1/registry/search", {
            "case_id": cid, "reason": "x", "full_name": "Nguyễn", "birth_date": "1985"}),
            422, "full_name_required", "full_name")
        self.assertError(self.officer.post("/api/v1/registry/search", {
            "case_id": cid, "reason": "x", "full_name": "Nguyễn Văn Bình", "birth_date": ""}),
            422, "birth_date_format", "birth_date")
        self.assertError(self.officer.post("/api/v1/registry/search", {
            "case_id": cid, "reason": "x", "full_name": "Nguyễn Văn Bình", "birth_date": "31/02/1985"}),
            422, "birth_date_format", "birth_date")

    def test_look_up_by_application_code(self):
        cid = self.officer_case()
        _, _, body = self.officer.post("/api/v1/registry/person",
                                       {"case_id": cid, "reason": "x", "citizen_id": LE["citizen_id"]})
        code = body["record"]["applications"][0]["code"]
        status, _, by_code = self.officer.post("/api/v1/registry/application", {
            "case_id": cid, "reason": "Công dân đọc mã hồ sơ", "application_code": code.replace("-", "")})
        self.assertEqual(status, 200, by_code)
        self.assertEqual(by_code["record"]["person"]["id"], LE["citizen_id"])
        self.assertError(self.officer.post("/api/v1/registry/application",
                                           {"case_id": cid, "reason": "x", "application_code": "123"}),
                         422, "application_code_format", "application_code")

    def test_operator_verifies_a_caller_and_sees_only_the_summary(self):
        c = case_for(self.op, BINH)
        status, _, body = self.op.post("/api/v1/registry/verify", dict(case_id=c["id"], **BINH))
        self.assertEqual(status, 200, body)
        self.assertTrue(body["verified"])
        self.assertEqual(body["masked_id"], "001*******21")
        self.assertEqual(body["summary"]["stage"], "received")
        self.assertTrue(body["summary"]["stage_vi"])
        self.assertTrue(body["summary"]["collect_vi"])
        self.assertNotIn("record", body)
        self.assertNotIn("001085004721", json.dumps(body))
        # Without accents, other capitals: the same caller (names are compared folded, so a
        # caller who cannot type accents is not refused; the ID and birth date carry the proof).
        loose = dict(BINH, full_name="NGUYEN VAN BINH")
        self.assertTrue(self.op.post("/api/v1/registry/verify", dict(case_id=c["id"], **loose))[2]["verified"])
        # Another birth date, another name, or only the year of a full date: not verified,
        # and the answer never says which part was wrong.
        for wrong in (dict(BINH, birth_date="15/03/1985"), dict(BINH, full_name="Nguyễn Văn Bảo"),
                      dict(BINH, birth_date="1985"), dict(BINH, citizen_id="001085004722")):
            status, _, body = self.op.post("/api/v1/registry/verify", dict(case_id=c["id"], **wrong))
            self.assertEqual(status, 200)
            self.assertFalse(body["verified"], wrong)
            self.assertNotIn("summary", body)
        status, _, trail = self.sup.get("/api/v1/registry/audit?case_id=%d" % c["id"])
        outcomes = [e["details"]["verified"] for e in trail["items"] if e["action"] == "registry.verify"]
        self.assertEqual(sorted(outcomes), [False, False, False, False, True, True])

    def test_year_only_record_verifies_with_the_year(self):
        c = case_for(self.op, KIM)
        body = self.op.post("/api/v1/registry/verify", dict(case_id=c["id"], **KIM))[2]
        self.assertTrue(body["verified"], body)
        self.assertEqual(body["summary"]["stage"], "handed_over")

    def test_operator_verifies_only_for_own_cases(self):
        c = case_for(self.op, BINH)
        other = self.srv.client()
        other.login("tdv02")
        self.assertError(other.post("/api/v1/registry/verify", dict(case_id=c["id"], **BINH)),
                         403, "case_not_yours")

    def test_status(self):
        status, _, body = self.officer.get("/api/v1/registry/status")
        self.assertEqual(status, 200)
        self.assertTrue(body["available"])
        self.assertGreaterEqual(body["people"], 20000)


class RegistryLimits(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="tongdai-limits-")
        cls.addClassCleanup(shutil.rmtree, cls.root, True)
        conf = os.path.join(cls.root, "tongdai.toml")
        with open(conf, "w") as f:
            f.write("lookup_limit_per_minute = 4\nlookup_limit_per_day = 100\nlookup_alert_per_hour = 3\n")
        cls.srv = start_server(cls, config_file=conf)

    def test_rate_limit_and_supervisor_alert(self):
        op = self.srv.client()
        op.login("tdv03")
        sup = self.srv.client()
        sup.login("giamsat")
        status, _, _, ws = WebSocket.connect(self.srv.port, session=sup.session)
        self.assertEqual(status, 101)
        self.addCleanup(ws.close)
        c = case_for(op, BINH)
        statuses = []
        for _ in range(6):
            status, headers, body = op.post("/api/v1/registry/verify", dict(case_id=c["id"], **BINH))
            statuses.append(status)
        self.assertEqual(statuses, [200, 200, 200, 200, 429, 429])
        self.assertEqual(body["error"]["code"], "lookup_rate_limited")
        self.assertIn("phút", body["error"]["message"])
        self.assertGreaterEqual(int(headers["Retry-After"]), 1)
        alert = ws.recv_json_until(lambda m: m.get("type") == "registry.alert", timeout=5)
        self.assertEqual(alert["login"], "tdv03")
        status, _, alerts = sup.get("/api/v1/registry/alerts")
        self.assertEqual(status, 200)
        self.assertEqual(alerts["items"][0]["login"], "tdv03")
        # Other users are not limited by tdv03's volume.
        op2 = self.srv.client()
        op2.login("tdv04")
        c2 = case_for(op2, BINH)
        self.assertEqual(op2.post("/api/v1/registry/verify", dict(case_id=c2["id"], **BINH))[0], 200)


class RegistryUnavailable(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls, env={"TONGDAI_REGISTRY_URL": "sqlite:/nonexistent/registry.db"})

    def test_look_ups_answer_503_and_the_desk_keeps_working(self):
        op = self.srv.client()
        op.login("tdv01")
        c = case_for(op, BINH)
        self.assertError(op.post("/api/v1/registry/verify", dict(case_id=c["id"], **BINH)),
                         503, "registry_unavailable")
        self.assertEqual(op.get("/api/v1/registry/status")[2], {"available": False})


class RegistryOverHttp(ServerTestCase):
    """tongdai → HTTP adapter → `tongdai registry serve-stub` → the demo's SQLite registry."""

    @classmethod
    def setUpClass(cls):
        root, data_dir = make_data_dir(True)
        cls.addClassCleanup(shutil.rmtree, root, True)
        stub_port = free_port()
        cls.stub = subprocess.Popen(
            [BIN, "registry", "serve-stub", "--registry", "sqlite:" + os.path.join(data_dir, "registry.db"),
             "--listen", "%s:%d" % (HOST, stub_port), "--token", "bi-mat-thu-nghiem"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env())
        cls.addClassCleanup(cls.stub.wait, 10)
        cls.addClassCleanup(cls.stub.terminate)
        url = "http://%s:%d/api/national-registry/v1" % (HOST, stub_port)
        cls.srv = start_server(cls, data=(root, data_dir),
                               env={"TONGDAI_REGISTRY_URL": url, "TONGDAI_REGISTRY_TOKEN": "bi-mat-thu-nghiem"})

    def test_verify_and_look_up_through_the_national_service(self):
        op = self.srv.client()
        op.login("tdv01")
        c = case_for(op, BINH)
        deadline = time.monotonic() + 10
        while True:  # the stub may still be binding its port
            status, _, body = op.post("/api/v1/registry/verify", dict(case_id=c["id"], **BINH))
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(status, 200, body)
        self.assertTrue(body["verified"])
        officer = self.srv.client()
        officer.login("cbnv01")
        escalate_and_claim(op, officer, c["id"])
        status, _, found = officer.post("/api/v1/registry/search", {
            "case_id": c["id"], "reason": "x", "full_name": "Nguyen Van Binh", "birth_date": "1985"})
        self.assertEqual(status, 200, found)
        self.assertIn("001*******21", [i["masked_id"] for i in found["items"]])


class RegistryOnPostgres(ServerTestCase):
    """`tongdai registry generate --into postgresql:...` then tongdai serving look-ups from it."""

    def test_generate_into_postgres_and_look_up(self):
        # Not a skip: without the cluster this backend is unverified, which is a failure.
        self.assertTrue(PG, "TONGDAI_TEST_PG is not set: ctest starts the PostgreSQL test cluster")
        db = "registry_api_%d" % os.getpid()
        admin = PG
        subprocess.run(["psql", admin, "-c", "DROP DATABASE IF EXISTS %s" % db], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-c", "CREATE DATABASE %s" % db], check=True, capture_output=True)
        self.addCleanup(subprocess.run, ["psql", admin, "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db],
                        capture_output=True)
        conninfo = "%s dbname=%s" % (admin, db)
        r = run_cli(["registry", "generate", "--people", "2000", "--seed", "5", "--into", "postgresql:" + conninfo],
                    timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        stats = json.loads(r.stderr.strip().splitlines()[-1])
        self.assertEqual(stats["people"], 2000)
        # The same seed printed as JSON lines: the people now in PostgreSQL.
        r = run_cli(["registry", "generate", "--people", "3", "--seed", "5", "--into", "-"])
        self.assertEqual(r.returncode, 0, r.stderr)
        person = json.loads(r.stdout.splitlines()[2])["person"]
        srv = start_server(self, env={"TONGDAI_REGISTRY_URL": "postgresql:" + conninfo})
        op = srv.client()
        op.login("tdv01")
        citizen = {"citizen_id": person["id"], "full_name": person["full_name"],
                   "birth_date": person["birth_date"]}
        c = op.must_create_case(contact={"name": person["full_name"], "phone": "0912345678"})
        status, _, body = op.post("/api/v1/registry/verify", dict(case_id=c["id"], **citizen))
        self.assertEqual(status, 200, body)
        self.assertTrue(body["verified"], body)


if __name__ == "__main__":
    unittest.main()
