"""The audit log's hash chain: `tongdai audit verify` and GET
/api/v1/audit/verify report an intact chain after real activity, and catch
a changed row and a deleted row (after the append-only triggers are dropped
by someone with file access).
"""

import json
import os
import shutil
import sqlite3
import tempfile
import unittest

from helpers import ServerTestCase, run_cli, start_server


def verify(data_dir):
    r = run_cli(["audit", "verify", "--data", data_dir])
    try:
        report = json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        report = None
    return r, report


class AuditChainTests(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)
        op = cls.srv.login("tdv01")
        officer = cls.srv.login("cbnv03")
        cls.admin = cls.srv.login("quantri")
        # Some activity of every kind that writes to the log.
        for i in range(5):
            case = op.must_create_case(description="Nhật ký %d" % i)
        op.post("/api/v1/cases/%d/status" % case["id"], {"status": "in_progress", "reason": "nhận"})
        op.post("/api/v1/cases/%d/messages" % case["id"], {"kind": "reply", "body": "Đã trả lời"})
        lk = op.post("/api/v1/cases/%d/escalate" % case["id"], {"what": "tra cứu", "reason": "cần"})[2]
        officer.post("/api/v1/lookups/%d/claim" % lk["id"])
        officer.post("/api/v1/lookups/%d/answer" % lk["id"], {"answer": "xong"})
        cls.srv.client().login("tdv02", "wrong-password")
        cls.admin.patch("/api/v1/users/%d" % op.user["id"], {"name": "Nguyễn Thị Lan (ca sáng)"})
        cls.total = cls.admin.audit_total()

    def test_api_verify_reports_intact(self):
        status, _, body = self.admin.get("/api/v1/audit/verify")
        self.assertEqual(status, 200, body)
        self.assertIs(body["intact"], True, body)
        self.assertGreaterEqual(body["checked"], self.total)
        self.assertNotIn("first_broken_seq", body)

    def test_audit_log_lists_the_activity_chained(self):
        status, _, body = self.admin.get("/api/v1/audit?from=1&limit=1000")
        self.assertEqual(status, 200, body)
        items = body["items"]
        self.assertEqual([e["seq"] for e in items], list(range(1, len(items) + 1)))
        for prev, cur in zip(items, items[1:]):
            self.assertEqual(cur["prev_hash"], prev["hash"])
        actions = {e["action"] for e in items}
        for a in ("case.create", "case.status", "case.reply", "case.escalate", "lookup.claim",
                  "lookup.answer", "login.ok", "login.failed", "user.update"):
            self.assertIn(a, actions)

    def test_cli_verify_while_serving(self):
        r, report = verify(self.srv.data_dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(report["intact"], True, report)
        self.assertGreaterEqual(report["checked"], self.total)


class TamperTests(ServerTestCase):
    """Each test tampers with its own copy of a stopped server's store."""

    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)
        op = cls.srv.login("tdv01")
        for i in range(6):
            op.must_create_case(description="Phiếu %d" % i)
        cls.total = cls.srv.login("quantri").audit_total()
        assert cls.total >= 10, cls.total
        rc = cls.srv.stop()
        assert rc == 0, (rc, cls.srv.log())
        r, report = verify(cls.srv.data_dir)
        assert r.returncode == 0 and report["intact"] is True, (r.stdout, r.stderr)

    def copy_store(self):
        root = tempfile.mkdtemp(prefix="tongdai-tamper-")
        self.addCleanup(shutil.rmtree, root, True)
        data = os.path.join(root, "data")
        shutil.copytree(self.srv.data_dir, data)
        return root, data

    def tamper(self, data, *statements):
        db = sqlite3.connect(os.path.join(data, "tongdai.db"))
        try:
            for sql in statements:
                db.execute(sql)
            db.commit()
        finally:
            db.close()

    def test_triggers_refuse_changes(self):
        _, data = self.copy_store()
        for sql in ("UPDATE audit_log SET action='x' WHERE seq=3", "DELETE FROM audit_log WHERE seq=3"):
            with self.assertRaises(sqlite3.DatabaseError, msg=sql):
                self.tamper(data, sql)
        r, report = verify(data)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(report["intact"], True)

    def test_changed_row_detected(self):
        _, data = self.copy_store()
        self.tamper(data, "DROP TRIGGER audit_no_update", "UPDATE audit_log SET action='x' WHERE seq=3")
        r, report = verify(data)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertEqual(report["intact"], False, report)
        self.assertEqual(report["first_broken_seq"], 3, report)
        self.assertEqual(report["checked"], 2, report)

    def test_changed_row_detected_by_the_api(self):
        root, data = self.copy_store()
        self.tamper(data, "DROP TRIGGER audit_no_update",
                    "UPDATE audit_log SET object_id = object_id || '0' WHERE seq=3")
        srv = start_server(self, data=(root, data))
        status, _, body = srv.login("quantri").get("/api/v1/audit/verify")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["intact"], body["first_broken_seq"]), (False, 3), body)

    def test_deleted_middle_row_detected(self):
        _, data = self.copy_store()
        middle = self.total // 2
        self.tamper(data, "DROP TRIGGER audit_no_delete", "DELETE FROM audit_log WHERE seq=%d" % middle)
        r, report = verify(data)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertEqual(report["intact"], False, report)
        self.assertEqual(report["first_broken_seq"], middle + 1, report)

    def test_deleted_row_then_renumbered_detected(self):
        # A cleverer forger deletes a row and renumbers the rest to close the gap.
        _, data = self.copy_store()
        self.tamper(data, "DROP TRIGGER audit_no_delete", "DROP TRIGGER audit_no_update",
                    "DELETE FROM audit_log WHERE seq=4",
                    "UPDATE audit_log SET seq = seq - 1 WHERE seq > 4")
        r, report = verify(data)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertEqual(report["first_broken_seq"], 4, report)

    def test_missing_store_is_an_error(self):
        r = run_cli(["audit", "verify", "--data", os.path.join(tempfile.gettempdir(), "tongdai-no-such-dir-x")])
        self.assertNotEqual(r.returncode, 0)


if __name__ == "__main__":
    unittest.main()
