"""The HTTP server itself: limits, errors, static files, path traversal, slow
and garbage clients, configuration precedence, graceful shutdown, the
WebSocket event feed, and the CLI around it (user add, version).
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import threading
import time
import unittest

from helpers import (BIN, HOST, SOURCE, ServerTestCase, WebSocket, error_code, free_port,
                     make_data_dir, parse_head, parse_response, raw_exchange, run_cli, start_server)

MIB = 1024 * 1024


def request_bytes(method, path, headers=None, body=b""):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % HOST]
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class LimitsAndErrors(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.web_root = os.path.join(SOURCE, "web")
        cls.srv = start_server(cls, demo=False, web_root=cls.web_root)

    def raw(self, data, **kw):
        return parse_response(raw_exchange(self.srv.port, data, **kw))

    def assertJsonError(self, status, headers, body, want_status, code):
        self.assertEqual(status, want_status, body)
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        self.assertEqual(error_code(json.loads(body)), code, body)

    def test_body_over_one_mib_is_413(self):
        # The declared length alone is refused, before the body is read.
        head = ("POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n" % (MIB + 1)).encode()
        status, headers, body = self.raw(head)
        self.assertJsonError(status, headers, body, 413, "body_too_large")
        # The same with the body actually sent (the server may stop reading early).
        status, headers, body = self.raw(head + b"x" * (MIB + 1))
        self.assertJsonError(status, headers, body, 413, "body_too_large")
        # A chunked body has no declared length: it is cut off once it passes the limit.
        chunked = (b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
        status, headers, body = self.raw(chunked + chunk * 17 + b"0\r\n\r\n")
        self.assertJsonError(status, headers, body, 413, "body_too_large")
        # Exactly 1 MiB is within the limit: it reaches the router (401: no session).
        conn = http.client.HTTPConnection(HOST, self.srv.port, timeout=10)
        conn.request("POST", "/api/v1/cases", body=b" " * MIB, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        self.assertEqual(resp.status, 401, resp.read())
        conn.close()
        self.assertTrue(self.srv.healthy())

    def test_header_over_16_kib_is_431(self):
        status, headers, body = self.raw(request_bytes("GET", "/healthz", {"X-Filler": "a" * (17 * 1024)}))
        self.assertEqual(status, 431, body)
        self.assertEqual(error_code(json.loads(body)), "headers_too_large")
        # A large but allowed header is fine.
        status, _, body = self.raw(request_bytes("GET", "/healthz", {"X-Filler": "a" * (8 * 1024),
                                                                    "Connection": "close"}))
        self.assertEqual(status, 200, body)

    def test_unknown_route_is_json_404(self):
        for path in ("/api/v1/nope", "/api/v1/cases/1/nope", "/api/v9/cases", "/api/v1/"):
            with self.subTest(path=path):
                status, headers, body = self.raw(request_bytes("GET", path, {"Connection": "close"}))
                self.assertJsonError(status, headers, body, 404, "route_not_found")
        status, headers, body = self.raw(request_bytes("GET", "/missing-file.js", {"Connection": "close"}))
        self.assertJsonError(status, headers, body, 404, "not_found")

    def test_wrong_method_is_405(self):
        for method, path in (("PUT", "/api/v1/cases"), ("DELETE", "/healthz"), ("POST", "/api/v1/openapi.json"),
                             ("PATCH", "/api/v1/session"), ("POST", "/"), ("DELETE", "/index.html")):
            with self.subTest(method=method, path=path):
                status, headers, body = self.raw(request_bytes(method, path, {"Connection": "close"}))
                self.assertJsonError(status, headers, body, 405, "method_not_allowed")

    def test_405_names_the_allowed_methods(self):
        # RFC 9110 15.5.6: a 405 must carry Allow.
        for method, path, allowed in (("PUT", "/api/v1/cases", {"GET", "POST"}),
                                      ("POST", "/api/v1/cases/1", {"GET", "PATCH"}),
                                      ("DELETE", "/healthz", {"GET"}),
                                      ("POST", "/index.html", {"GET", "HEAD"})):
            with self.subTest(method=method, path=path):
                status, headers, body = self.raw(request_bytes(method, path, {"Connection": "close"}))
                self.assertEqual(status, 405, body)
                self.assertIn("allow", headers, headers)
                got = {m.strip() for m in headers["allow"].split(",")}
                self.assertTrue(allowed <= got, (allowed, got))
                self.assertNotIn(method, got)

    def test_head_answers_have_no_body(self):
        # Pipelined HEAD then GET on one connection: the HEAD answer must end at
        # its headers, or the GET answer is read from the middle of a body.
        for path in ("/healthz", "/api/v1/openapi.json", "/"):
            with self.subTest(path=path):
                raw = raw_exchange(self.srv.port,
                                   request_bytes("HEAD", path) +
                                   request_bytes("GET", "/healthz", {"Connection": "close"}))
                head, _, rest = raw.partition(b"\r\n\r\n")
                status, headers = parse_head(head)
                self.assertEqual(status, 200, raw[:300])
                self.assertGreater(int(headers.get("content-length", "0")), 0)
                self.assertTrue(rest.startswith(b"HTTP/1.1 200"), rest[:120])

    def test_keep_alive_serves_several_requests(self):
        conn = http.client.HTTPConnection(HOST, self.srv.port, timeout=10)
        self.addCleanup(conn.close)
        for path in ("/healthz", "/api/v1/nope", "/", "/healthz"):
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            self.assertIn(resp.status, (200, 404))
            self.assertFalse(resp.will_close, path)

    def test_directories_are_not_served_as_files(self):
        for path in ("/.", "/./."):
            with self.subTest(path=path):
                status, headers, body = self.raw(request_bytes("GET", path, {"Connection": "close"}))
                if status == 200:
                    self.assertTrue(headers.get("content-type", "").startswith("text/html"), headers)
                    self.assertIn(b"<html", body)
                else:
                    self.assertEqual(status, 404, body)

    def test_static_index(self):
        index = os.path.join(self.web_root, "index.html")
        self.assertTrue(os.path.isfile(index), "web/index.html is missing")
        with open(index, "rb") as f:
            content = f.read()
        for path in ("/", "/index.html", "/desk/operator"):  # the last: single-page fallback
            with self.subTest(path=path):
                conn = http.client.HTTPConnection(HOST, self.srv.port, timeout=10)
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                conn.close()
                self.assertEqual(resp.status, 200)
                self.assertTrue(resp.getheader("Content-Type", "").startswith("text/html"))
                self.assertEqual(body, content)
                self.assertEqual(resp.getheader("X-Content-Type-Options"), "nosniff")
                self.assertIn("frame-ancestors 'none'", resp.getheader("Content-Security-Policy", ""))

    def test_default_web_root_found_next_to_the_binary(self):
        # Without --web-root the server finds <source>/web from the binary's location
        # when the binary lives inside the source tree (the usual build/ layout).
        if not os.path.realpath(BIN).startswith(os.path.realpath(SOURCE) + os.sep):
            self.fail("TONGDAI_BIN is outside TONGDAI_SOURCE: this test needs the in-tree build")
        srv = start_server(self, demo=False)
        conn = http.client.HTTPConnection(HOST, srv.port, timeout=10)
        conn.request("GET", "/")
        resp = conn.getresponse()
        resp.read()
        conn.close()
        self.assertEqual(resp.status, 200)
        self.assertTrue(resp.getheader("Content-Type", "").startswith("text/html"))

    def test_path_traversal_never_escapes(self):
        for target in ("/../etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                       "/%2E%2E/etc/passwd", "/..%2fetc%2fpasswd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                       "/web/../../etc/passwd", "/.%2e/.%2e/etc/passwd", "/..\\..\\etc\\passwd",
                       "/index.html/../../../etc/passwd"):
            with self.subTest(target=target):
                status, headers, body = self.raw(request_bytes("GET", target, {"Connection": "close"}))
                self.assertEqual(status, 404, body[:200])
                self.assertNotIn(b"root:", body)
        # These stay inside the root (at worst the single-page fallback answers).
        for target in ("//etc/passwd", "/etc/passwd", "/%2fetc%2fpasswd", "/proc/self/environ",
                       "/%252e%252e/%252e%252e/etc/passwd"):
            with self.subTest(target=target):
                status, _, body = self.raw(request_bytes("GET", target, {"Connection": "close"}))
                self.assertIn(status, (200, 404))
                self.assertNotIn(b"root:", body)
                self.assertNotIn(b"PATH=", body)
        self.assertTrue(self.srv.healthy())

    def test_garbage_bytes(self):
        for junk in (b"\x00\xff\x13\x37garbage\r\n\r\n", b"HELLO WORLD\r\n\r\n", b"GET\r\n\r\n",
                     b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", bytes(range(256)) * 8,
                     b"POST /api/v1/session HTTP/1.1\r\nContent-Length: -5\r\n\r\n"):
            with self.subTest(junk=junk[:20]):
                raw = raw_exchange(self.srv.port, junk, timeout=5)
                status, _, _ = parse_response(raw)
                self.assertIn(status, (None, 400), raw[:200])
                if status is None:
                    self.assertEqual(raw, b"", "neither a response nor a clean close")
                self.assertTrue(self.srv.healthy(), "garbage broke the server")


class SlowClient(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        root, data = make_data_dir(demo=False)
        cls.addClassCleanup(shutil.rmtree, root, True)
        config = os.path.join(root, "tongdai.toml")
        with open(config, "w") as f:
            f.write("request_timeout_s = 2\n")
        cls.srv = start_server(cls, data=(root, data), config_file=config)

    def test_half_request_is_disconnected(self):
        with socket.create_connection((HOST, self.srv.port), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            started = time.monotonic()
            s.settimeout(8)
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                data = b""
            elapsed = time.monotonic() - started
        self.assertEqual(data, b"", "the server answered a half request")
        self.assertLess(elapsed, 5.0, "the slow client was not cut off within ~5 s")
        self.assertGreater(elapsed, 1.0, "closed before the configured 2 s: not the timeout")
        self.assertTrue(self.srv.healthy())

    def test_trickling_client_is_disconnected_too(self):
        # Sending a byte now and then does not extend the whole-request deadline.
        started = time.monotonic()
        closed = False
        with socket.create_connection((HOST, self.srv.port), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
            for _ in range(16):
                try:
                    s.sendall(b"X-A: b\r\n")
                except OSError:
                    closed = True
                    break
                s.settimeout(0.5)
                try:
                    if s.recv(4096) == b"":
                        closed = True
                        break
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    closed = True
                    break
        self.assertTrue(closed, "a trickling client was kept for %.1f s" % (time.monotonic() - started))
        self.assertLess(time.monotonic() - started, 5.0)


class ConfigPrecedence(ServerTestCase):
    def setUp(self):
        self.root, self.data = make_data_dir(demo=False)
        self.addCleanup(shutil.rmtree, self.root, True)
        self.ports = {"file": free_port(), "env": free_port(), "flag": free_port()}
        self.config = os.path.join(self.root, "tongdai.toml")
        with open(self.config, "w") as f:
            f.write('listen = "%s:%d"\n' % (HOST, self.ports["file"]))

    def listening(self, port):
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return True
        except OSError:
            return False

    def run_with(self, expect, env=None, flag=False):
        srv = start_server(self, data=(self.root, self.data), config_file=self.config, env=env,
                           listen_flag=flag, port=self.ports[expect])
        self.assertTrue(srv.healthy())
        for name, port in self.ports.items():
            if name != expect:
                self.assertFalse(self.listening(port), "also listening on the %s port" % name)
        self.assertEqual(srv.stop(), 0)

    def test_file_alone(self):
        self.run_with("file")

    def test_env_beats_file(self):
        self.run_with("env", env={"TONGDAI_LISTEN": "%s:%d" % (HOST, self.ports["env"])})

    def test_flag_beats_env_and_file(self):
        self.run_with("flag", env={"TONGDAI_LISTEN": "%s:%d" % (HOST, self.ports["env"])}, flag=True)

    def test_bad_config_refuses_to_start(self):
        with open(self.config, "w") as f:
            f.write("listen = [unterminated\n")
        r = run_cli(["serve", "--data", self.data, "--config", self.config, "--listen",
                     "%s:%d" % (HOST, self.ports["flag"])], timeout=20)
        self.assertNotEqual(r.returncode, 0)
        r = run_cli(["serve", "--data", self.data, "--listen", "nonsense"], timeout=20)
        self.assertNotEqual(r.returncode, 0)


class GracefulShutdown(ServerTestCase):
    def setUp(self):
        self.srv = start_server(self)

    def test_sigterm_finishes_requests_in_flight(self):
        # Logins hash with argon2id on a small pool: 24 at once take a while,
        # so some are still in flight when SIGTERM arrives.
        n = 24
        results = [None] * n
        done_at = [None] * n
        sent = threading.Barrier(n + 1)

        def login(i):
            conn = http.client.HTTPConnection(HOST, self.srv.port, timeout=30)
            try:
                body = json.dumps({"login": "tdv%02d" % (i % 20 + 1), "password": "demo-tongdai-2026"})
                conn.putrequest("POST", "/api/v1/session")
                conn.putheader("Content-Type", "application/json")
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body.encode())
                sent.wait(timeout=10)
                resp = conn.getresponse()
                results[i] = (resp.status, resp.getheader("Set-Cookie"), resp.read())
            except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as e:
                results[i] = ("error", repr(e), b"")
            finally:
                done_at[i] = time.monotonic()
                conn.close()

        threads = [threading.Thread(target=login, args=(i,), daemon=True) for i in range(n)]
        for t in threads:
            t.start()
        sent.wait(timeout=10)
        time.sleep(0.3)  # let the server read and dispatch them all
        term_at = time.monotonic()
        self.srv.proc.send_signal(signal.SIGTERM)
        for t in threads:
            t.join(timeout=30)
        rc = self.srv.proc.wait(timeout=20)
        self.assertEqual(rc, 0, self.srv.log())
        self.assertTrue(all(r is not None and r[0] == 200 for r in results), results)
        self.assertTrue(any(t > term_at for t in done_at),
                        "every login finished before SIGTERM: nothing was in flight")
        self.assertFalse(self.srv.healthy(timeout=0.5))
        # The sessions made during the drain were committed.
        self.srv.start()
        client = self.srv.client()
        client.session = re.match(r"tongdai_session=([0-9a-f]+)", results[-1][1]).group(1)
        self.assertEqual(client.get("/api/v1/session")[0], 200)

    def test_sigterm_idle_exits_zero_quickly(self):
        started = time.monotonic()
        self.assertEqual(self.srv.stop(), 0, self.srv.log())
        self.assertLess(time.monotonic() - started, 5)


class WebSocketEvents(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls)
        cls.op = cls.srv.login("tdv01")
        cls.other = cls.srv.login("tdv02")
        cls.officer = cls.srv.login("cbnv01")
        cls.admin = cls.srv.login("quantri")

    def connect(self, client):
        status, headers, body, ws = WebSocket.connect(self.srv.port, session=client.session if client else None)
        if ws:
            self.addCleanup(ws.close)
        return status, headers, body, ws

    def test_case_created_reaches_listeners(self):
        status, _, body, ws = self.connect(self.op)
        self.assertEqual(status, 101, body)
        status, _, _, ws_officer = self.connect(self.officer)
        self.assertEqual(status, 101)
        time.sleep(0.2)  # the server registers the socket after the handshake
        case = self.other.must_create_case(description="Sự kiện trực tiếp")
        msg = ws.recv_json_until(lambda m: m.get("type") == "case.created"
                                 and m.get("case", {}).get("id") == case["id"], timeout=2)
        self.assertEqual(msg["case"]["status"], "new")
        self.assertNotIn("citizen_id", msg["case"], "events carry a summary, not personal data")
        ws_officer.recv_json_until(lambda m: m.get("type") == "case.created", timeout=2)
        self.other.post("/api/v1/cases/%d/status" % case["id"], {"status": "in_progress"})
        msg = ws.recv_json_until(lambda m: m.get("type") == "case.updated", timeout=2)
        self.assertEqual((msg["case"]["id"], msg["case"]["status"]), (case["id"], "in_progress"))

    def test_admin_is_refused(self):
        status, _, body, ws = self.connect(self.admin)
        self.assertIsNone(ws)
        self.assertEqual(status, 403, body)
        self.assertEqual(error_code(json.loads(body)), "forbidden")

    def test_no_session_is_refused(self):
        status, _, body, ws = self.connect(None)
        self.assertIsNone(ws)
        self.assertEqual(status, 401, body)
        self.assertEqual(error_code(json.loads(body)), "unauthenticated")
        from helpers import Client
        fake = Client(self.srv.port)
        fake.session = "0" * 64
        status, _, body, ws = self.connect(fake)
        self.assertEqual(status, 401, body)

    def test_logged_out_session_is_refused(self):
        c = self.srv.login("tdv03")
        token = c.session
        self.assertEqual(c.request("DELETE", "/api/v1/session")[0], 204)
        c.session = token
        status, _, body, ws = self.connect(c)
        self.assertEqual(status, 401, body)

    def test_plain_get_explains_upgrade(self):
        status, _, body = self.op.get("/api/v1/events")
        self.assertEqual((status, error_code(body)), (426, "upgrade_required"), body)

    def test_websocket_closed_on_shutdown(self):
        srv = start_server(self)
        op = srv.login("tdv01")
        status, _, _, ws = WebSocket.connect(srv.port, session=op.session)
        self.assertEqual(status, 101)
        self.addCleanup(ws.close)
        time.sleep(0.2)
        srv.proc.send_signal(signal.SIGTERM)
        with self.assertRaises((ConnectionError, OSError)):
            ws.recv_text(timeout=5)
        self.assertEqual(srv.proc.wait(timeout=15), 0)


class Cli(ServerTestCase):
    def test_version(self):
        r = run_cli(["version"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout.strip(), r"^tongdai \d+\.\d+\.\d+")

    def test_user_add_then_login(self):
        root, data = make_data_dir(demo=False)
        self.addCleanup(shutil.rmtree, root, True)
        r = run_cli(["user", "add", "--data", data, "--login", "cbnv.moi", "--role", "officer",
                     "--name", "Thiếu úy Nguyễn Văn Mới", "--password-stdin"],
                    input_text="mat-khau-rat-dai-2026\n")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual((out["login"], out["role"]), ("cbnv.moi", "officer"))
        self.assertIsInstance(out["id"], int)
        # The same login again is refused.
        r = run_cli(["user", "add", "--data", data, "--login", "cbnv.moi", "--role", "officer",
                     "--name", "Trùng", "--password-stdin"], input_text="mat-khau-khac-2026\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("login_taken", r.stderr)
        # Weak passwords are refused and create nothing.
        weak_passwords = ("short", "aaaaaaaaaaaaaa", "toi-la-YEU-2026")
        for weak in weak_passwords:
            r = run_cli(["user", "add", "--data", data, "--login", "yeu", "--role", "operator",
                         "--name", "Yếu", "--password-stdin"], input_text=weak + "\n")
            self.assertNotEqual(r.returncode, 0, weak)
            self.assertIn("weak_password", r.stderr)
        r = run_cli(["user", "add", "--data", data, "--login", "x", "--role", "officer", "--name", "X",
                     "--password-stdin"], input_text="mat-khau-rat-dai-2026\n")
        self.assertNotEqual(r.returncode, 0, "a one-letter login was accepted")
        r = run_cli(["user", "add", "--data", data, "--login", "vaitro", "--role", "boss", "--name", "X",
                     "--password-stdin"], input_text="mat-khau-rat-dai-2026\n")
        self.assertNotEqual(r.returncode, 0)
        # The new user logs in with the role given; the refused ones do not exist.
        srv = start_server(self, data=(root, data))
        c = srv.client()
        status, _, body = c.login("cbnv.moi", "mat-khau-rat-dai-2026")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["user"]["role"], "officer")
        self.assertEqual(body["user"]["name"], "Thiếu úy Nguyễn Văn Mới")
        self.assertEqual(c.get("/api/v1/lookups")[0], 200)
        for weak in weak_passwords:
            self.assertEqual(srv.client().login("yeu", weak)[0], 401)

    def test_user_add_requires_password_stdin(self):
        root, data = make_data_dir(demo=False)
        self.addCleanup(shutil.rmtree, root, True)
        r = run_cli(["user", "add", "--data", data, "--login", "abc", "--role", "officer", "--name", "X"],
                    input_text="mat-khau-rat-dai-2026\n")
        self.assertNotEqual(r.returncode, 0)
        r = run_cli(["user", "add", "--data", data, "--login", "abc", "--role", "officer", "--name", "X",
                     "--password-stdin"], input_text="")
        self.assertNotEqual(r.returncode, 0)


if __name__ == "__main__":
    unittest.main()
