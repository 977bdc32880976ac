"""The server on PostgreSQL (the test cluster ctest starts): demo data, the
API, and acknowledged writes surviving kill -9 — the same promises as on
SQLite."""

import os
import subprocess
import unittest
import uuid

from helpers import BIN, ServerTestCase, make_data_dir, run_cli, start_server

ADMIN = os.environ.get("TONGDAI_TEST_PG")
if not ADMIN:
    raise RuntimeError("TONGDAI_TEST_PG is not set: run through ctest, which starts the cluster")


def psql(sql, dbname="postgres"):
    conn = ADMIN.replace("dbname=postgres", "dbname=" + dbname)
    return subprocess.run(["psql", conn, "-v", "ON_ERROR_STOP=1", "-tAc", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


class PostgresServer(ServerTestCase):
    def setUp(self):
        self.db = "it_" + uuid.uuid4().hex[:12]
        psql("CREATE DATABASE " + self.db)
        self.addCleanup(psql, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.db)
        self.url = ADMIN.replace("dbname=postgres", "dbname=" + self.db)
        res = run_cli(["demo", "--data", "/nonexistent-unused", "--database-url", self.url], timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr)
        root, data_dir = make_data_dir(demo=False)
        self.srv = start_server(self, data=(root, data_dir), extra_args=["--database-url", self.url])

    def test_cases_survive_kill_minus_9(self):
        op = self.srv.login("tdv01")
        ids = [op.must_create_case(description="Phiếu trên PostgreSQL %d" % i)["id"] for i in range(20)]
        self.srv.kill()
        self.srv.start()
        op = self.srv.login("tdv01")
        for i, case_id in enumerate(ids):
            status, _, body = op.get("/api/v1/cases/%d" % case_id)
            self.assertEqual((status, body["description"]), (200, "Phiếu trên PostgreSQL %d" % i))
        self.assertEqual(psql("SELECT COUNT(*) FROM cases WHERE description LIKE 'Phiếu trên PostgreSQL%'", self.db),
                         "20")

    def test_search_escalation_and_audit(self):
        op = self.srv.login("tdv02")
        case = op.must_create_case(description="Chưa nhận được thẻ căn cước ở Đà Nẵng")
        status, _, page = op.get("/api/v1/cases?q=da%20nang%20chua%20nhan")
        self.assertEqual(status, 200)
        self.assertIn(case["id"], [c["id"] for c in page["items"]])
        status, _, lookup = op.post("/api/v1/cases/%d/escalate" % case["id"], {"what": "Tra cứu", "reason": "Hỏi"})
        self.assertEqual(status, 201, lookup)
        officer = self.srv.login("cbnv01")
        self.assertEqual(officer.post("/api/v1/lookups/%d/claim" % lookup["id"])[0], 200)
        self.assertError(self.srv.login("cbnv02").post("/api/v1/lookups/%d/claim" % lookup["id"]), 409,
                         "already_claimed")
        admin = self.srv.login("quantri")
        status, _, verdict = admin.get("/api/v1/audit/verify")
        self.assertEqual((status, verdict["intact"]), (200, True), verdict)
        self.assertGreater(verdict["checked"], 5)
        # The chain is also append-only in PostgreSQL.
        with self.assertRaises(subprocess.CalledProcessError):
            psql("UPDATE audit_log SET action = 'x' WHERE seq = 1", self.db)


if __name__ == "__main__":
    unittest.main()
