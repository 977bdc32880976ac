"""Durability: a 201 means the case is on disk. Concurrent creates, then a
kill -9 in the middle of a second burst, a restart on the same data, and
every acknowledged case must read back; the audit chain must still verify.
"""

import http.client
import threading
import time
import unittest

from helpers import ServerTestCase, marker, run_cli, start_server

THREADS = 16
FIRST_BURST = 200


class KillNineTests(ServerTestCase):
    def setUp(self):
        self.srv = start_server(self)
        # One client (and session) per thread: tdv01..tdv16 are demo operators.
        self.clients = [self.srv.login("tdv%02d" % (i + 1)) for i in range(THREADS)]
        self.tags = {1: marker("motb"), 2: marker("haib")}

    @staticmethod
    def description(thread, n, burst):
        return "Kiểm thử độ bền: đợt %d, luồng %d, phiếu %d — chưa nhận được thẻ." % (burst, thread, n)

    def burst(self, burst_no, per_thread, stop_event=None, acked=None, errors=None):
        """Creates cases from all threads; returns {id: description} of every 201."""
        acked = {} if acked is None else acked
        errors = [] if errors is None else errors
        lock = threading.Lock()

        def work(t):
            client = self.clients[t]
            count = per_thread[t] if isinstance(per_thread, list) else per_thread
            for n in range(count):
                if stop_event is not None and stop_event.is_set():
                    return
                desc = self.description(t, n, burst_no)
                try:
                    status, _, body = client.create_case(description=desc, tags=[self.tags[burst_no]])
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        errors.append(("connection", repr(e)))
                    return  # the server is gone
                if status == 201:
                    with lock:
                        if body["id"] in acked:
                            errors.append(("duplicate", body["id"]))
                        acked[body["id"]] = desc
                else:
                    with lock:
                        errors.append(("status", status, body))

        threads = [threading.Thread(target=work, args=(t,), daemon=True) for t in range(THREADS)]
        for th in threads:
            th.start()
        return threads, acked, errors

    def test_acknowledged_cases_survive_kill_9(self):
        # Burst 1: 200 creates, all must succeed.
        shares = [FIRST_BURST // THREADS + (1 if t < FIRST_BURST % THREADS else 0) for t in range(THREADS)]
        threads, first, errors = self.burst(1, shares)
        for th in threads:
            th.join(timeout=120)
        self.assertFalse(any(th.is_alive() for th in threads), "burst 1 hung")
        self.assertEqual(errors, [])
        self.assertEqual(len(first), FIRST_BURST)

        # Burst 2: kill -9 once some of it has been acknowledged.
        stop = threading.Event()
        second, errors2 = {}, []
        threads, _, _ = self.burst(2, 1000, stop_event=stop, acked=second, errors=errors2)
        deadline = time.monotonic() + 60
        while len(second) < 60 and time.monotonic() < deadline:
            time.sleep(0.005)
        self.assertGreaterEqual(len(second), 60, "burst 2 made no progress")
        self.srv.kill()
        stop.set()
        for th in threads:
            th.join(timeout=60)
        self.assertFalse(any(th.is_alive() for th in threads), "a client hung after the kill")
        self.assertTrue(errors2, "the kill happened after burst 2 had finished: it tested nothing")
        # Before the kill every answer was a 201; after it, only connection errors.
        self.assertEqual([e for e in errors2 if e[0] != "connection"], [])
        print("\nburst 1: %d acknowledged; burst 2: %d acknowledged before kill -9"
              % (len(first), len(second)))
        acked = dict(first)
        acked.update(second)

        # Restart on the same data directory; every acknowledged id reads back.
        self.srv.start()
        reader = self.srv.login("giamsat")
        missing, wrong = [], []
        for case_id, desc in sorted(acked.items()):
            status, _, body = reader.get("/api/v1/cases/%d" % case_id)
            if status != 200:
                missing.append((case_id, status))
            elif body["description"] != desc:
                wrong.append((case_id, body["description"], desc))
        self.assertEqual(missing, [], "acknowledged cases lost after kill -9")
        self.assertEqual(wrong, [])

        # The search index agrees with the table for the acknowledged cases.
        for burst_no, ids in ((1, first), (2, second)):
            status, _, found = reader.get("/api/v1/cases?per_page=1&q=" + self.tags[burst_no])
            self.assertEqual(status, 200, found)
            if burst_no == 1:
                self.assertEqual(found["total"], len(ids))
            else:  # a create may have committed without its 201 getting out
                self.assertGreaterEqual(found["total"], len(ids))
        # Each acknowledged create has its audit entry.
        admin = self.srv.login("quantri")
        audited, seq = set(), 1
        while True:
            status, _, page = admin.get("/api/v1/audit?from=%d&limit=1000" % seq)
            self.assertEqual(status, 200, page)
            if not page["items"]:
                break
            audited |= {int(e["object_id"]) for e in page["items"] if e["action"] == "case.create"}
            seq = page["items"][-1]["seq"] + 1
        self.assertEqual(set(acked) - audited, set(), "acknowledged cases without an audit entry")
        # Sessions are stored too: a pre-crash cookie still works.
        self.assertEqual(self.clients[0].get("/api/v1/session")[0], 200)

        self.assertEqual(self.srv.stop(), 0, self.srv.log())
        r = run_cli(["audit", "verify", "--data", self.srv.data_dir])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('"intact":true', r.stdout)


if __name__ == "__main__":
    unittest.main()
