"""Shared plumbing for the integration tests: start/stop a real tongdai
server on a free loopback port with its own data directory, an HTTP client
with its own cookie jar, a minimal WebSocket client, and CLI helpers.

Standard library only. Every server started here is stopped by a cleanup
registered with unittest (addCleanup / addClassCleanup), so a failing test
never leaves a process behind.
"""

import atexit
import base64
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import string
import struct
import subprocess
import tempfile
import time
import unittest

DEMO_PASSWORD = "demo-tongdai-2026"
HOST = "127.0.0.1"


def _default_source():
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


SOURCE = os.environ.get("TONGDAI_SOURCE") or _default_source()
BIN = os.environ.get("TONGDAI_BIN") or os.path.join(SOURCE, "build", "tongdai")

if not os.access(BIN, os.X_OK):
    # Fail loudly instead of skipping: a missing binary is a broken build.
    raise RuntimeError("tongdai binary not found or not executable: %s (set TONGDAI_BIN)" % BIN)


def free_port():
    """A port the kernel just handed out on 127.0.0.1 (closed again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def clean_env(extra=None):
    """The inherited environment without TONGDAI_* settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGDAI_")}
    env.setdefault("LANG", "C.UTF-8")
    if extra:
        env.update(extra)
    return env


def run_cli(args, input_text=None, timeout=60, env=None):
    """Runs `tongdai <args>`; returns the CompletedProcess (text mode)."""
    return subprocess.run([BIN] + list(args), input=input_text, capture_output=True, text=True,
                          timeout=timeout, env=clean_env(env))


def marker(prefix="zq"):
    """A random lowercase word that no demo case contains (for scoping searches)."""
    return prefix + "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))


# ------------------------------------------------------------------ demo data

_demo_template = None


def _demo_template_dir():
    """`tongdai demo` once per test process; servers get a copy (it hashes 42
    passwords with argon2id, a few seconds each time)."""
    global _demo_template
    if _demo_template is None:
        root = tempfile.mkdtemp(prefix="tongdai-demo-template-")
        atexit.register(shutil.rmtree, root, True)
        data = os.path.join(root, "data")
        r = run_cli(["demo", "--data", data], timeout=120)
        if r.returncode != 0:
            raise RuntimeError("tongdai demo failed (%d): %s %s" % (r.returncode, r.stdout, r.stderr))
        _demo_template = data
    return _demo_template


def make_data_dir(demo=True):
    """A fresh temporary directory; with demo=True `data` holds the demo store."""
    root = tempfile.mkdtemp(prefix="tongdai-it-")
    data = os.path.join(root, "data")
    if demo:
        shutil.copytree(_demo_template_dir(), data)
    return root, data


# --------------------------------------------------------------------- server

class Server:
    """A `tongdai serve` process. Use start_server() to get one with cleanup."""

    def __init__(self, data_dir, root_dir, listen_flag=True, port=None, config_file=None,
                 env=None, extra_args=None, web_root=None):
        self.data_dir = data_dir
        self.root_dir = root_dir
        self.listen_flag = listen_flag
        self.port = port or free_port()
        self.config_file = config_file
        self.env = env or {}
        self.extra_args = list(extra_args or [])
        self.web_root = web_root
        self.proc = None
        self.log_path = os.path.join(root_dir, "server-%d.log" % self.port)
        self._log = None

    @property
    def base(self):
        return "http://%s:%d" % (HOST, self.port)

    def command(self):
        cmd = [BIN, "serve", "--data", self.data_dir]
        if self.listen_flag:
            cmd += ["--listen", "%s:%d" % (HOST, self.port)]
        if self.config_file:
            cmd += ["--config", self.config_file]
        if self.web_root:
            cmd += ["--web-root", self.web_root]
        return cmd + self.extra_args

    def start(self, timeout=20):
        if self._log:
            self._log.close()
        self._log = open(self.log_path, "ab")
        log_start = self._log.tell()
        self.proc = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                     env=clean_env(self.env))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("tongdai serve exited with %s before answering:\n%s"
                                   % (self.proc.returncode, self.log()))
            # The "serving on" line proves this process bound the port (and not
            # some other test's server that happens to answer on it).
            if self._serving_logged(log_start) and self.healthy(timeout=0.5):
                return self
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("tongdai serve did not answer /healthz on port %d within %ss:\n%s"
                           % (self.port, timeout, self.log()))

    def _serving_logged(self, offset):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return ("serving on http://%s:%d " % (HOST, self.port)).encode() in f.read()
        except OSError:
            return False

    def healthy(self, timeout=2.0):
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
            conn.request("GET", "/healthz")
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            return resp.status == 200 and json.loads(body) == {"status": "ok"}
        except (OSError, http.client.HTTPException, ValueError):
            return False

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=15):
        """SIGTERM, wait, SIGKILL as a fallback. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        if self._log:
            self._log.close()
            self._log = None
        return self.proc.returncode

    def kill(self):
        """SIGKILL (no chance to flush anything). Returns the exit code."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self._log:
            self._log.close()
            self._log = None
        return self.proc.returncode if self.proc else None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def client(self, lang=None):
        return Client(self.port, lang=lang)

    def login(self, login, password=DEMO_PASSWORD):
        """A Client logged in as `login`; raises AssertionError when the login fails."""
        c = self.client()
        status, _, body = c.login(login, password)
        if status != 200:
            raise AssertionError("login %s failed: %s %s" % (login, status, body))
        return c


def _register(owner, fn, *args):
    if isinstance(owner, type):
        owner.addClassCleanup(fn, *args)
    else:
        owner.addCleanup(fn, *args)


def start_server(owner, demo=True, data=None, **kwargs):
    """Starts a server whose stop (and temp dir removal) is registered as a
    cleanup on `owner` (a TestCase instance, or a TestCase class inside
    setUpClass). Pass data=(root, data_dir) to reuse a data directory."""
    if data is None:
        root, data_dir = make_data_dir(demo)
        _register(owner, shutil.rmtree, root, True)
    else:
        root, data_dir = data
    srv = Server(data_dir, root, **kwargs)
    # Registered before start: a server that half-started is still stopped.
    _register(owner, srv.stop)
    last = None
    for _ in range(3):
        try:
            return srv.start()
        except RuntimeError as e:
            # Another process may have taken the free port in between: retry on a new one.
            last = e
            if srv.listen_flag and "cannot listen" in str(e):
                srv.port = free_port()
                continue
            raise
    raise last


# --------------------------------------------------------------------- client

class Client:
    """HTTP client with its own cookie jar (just tongdai_session) and CSRF token."""

    def __init__(self, port, host=HOST, lang=None, timeout=30):
        self.host = host
        self.port = port
        self.lang = lang
        self.timeout = timeout
        self.session = None
        self.csrf_token = None
        self.user = None
        self.last_body = b""

    def _take_cookies(self, resp):
        for value in resp.headers.get_all("Set-Cookie") or []:
            first = value.split(";", 1)[0].strip()
            if not first.startswith("tongdai_session="):
                continue
            token = first[len("tongdai_session="):]
            attrs = [a.strip().lower() for a in value.split(";")[1:]]
            if not token or "max-age=0" in attrs:
                self.session = None
            else:
                self.session = token

    def request(self, method, path, body=None, headers=None, csrf=True):
        """Returns (status, headers, parsed JSON or None). `body` may be a
        dict/list (sent as JSON) or str/bytes (sent as is)."""
        hdrs = {}
        if self.session:
            hdrs["Cookie"] = "tongdai_session=" + self.session
        if self.lang:
            hdrs["Accept-Language"] = self.lang
        data = None
        if body is not None:
            if isinstance(body, (bytes, bytearray)):
                data = bytes(body)
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if csrf and self.csrf_token and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf_token
        if headers:
            hdrs.update(headers)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        self._take_cookies(resp)
        self.last_body = raw
        parsed = None
        if raw:
            try:
                parsed = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                parsed = None
        return resp.status, resp.headers, parsed

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def login(self, login, password=DEMO_PASSWORD):
        status, headers, body = self.request("POST", "/api/v1/session",
                                             {"login": login, "password": password})
        if status == 200 and body:
            self.csrf_token = body.get("csrf_token")
            self.user = body.get("user")
        return status, headers, body

    # --- small conveniences for case work

    def create_case(self, **fields):
        body = {
            "channel": "phone",
            "contact": {"name": "Nguyễn Văn Kiểm Thử", "phone": "0977 123 456"},
            "category": "the.tien_do",
            "description": "Công dân hỏi tiến độ cấp thẻ căn cước.",
        }
        body.update(fields)
        return self.post("/api/v1/cases", body)

    def must_create_case(self, **fields):
        status, headers, body = self.create_case(**fields)
        if status != 201:
            raise AssertionError("create case failed: %s %s" % (status, body))
        return body

    def audit_total(self):
        status, _, body = self.get("/api/v1/audit?limit=1")
        if status != 200:
            raise AssertionError("audit read failed: %s %s" % (status, body))
        return body["total"]


def error_code(body):
    try:
        return body["error"]["code"]
    except (TypeError, KeyError):
        return None


# ------------------------------------------------------------------ raw HTTP

def raw_exchange(port, data, timeout=5.0, read_until_close=True):
    """Sends raw bytes and returns everything read until the server closes
    (or until the timeout). Never raises on a reset: returns what arrived."""
    out = b""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except OSError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if not read_until_close and b"\r\n\r\n" in out:
                head, _, rest = out.partition(b"\r\n\r\n")
                length = parse_head(head)[1].get("content-length")
                if length is not None and len(rest) >= int(length):
                    break
    return out


def parse_head(head):
    """b'HTTP/1.1 200 OK\\r\\nA: b...' -> (status, {lowercase name: value})."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers


def parse_response(raw):
    """Raw response bytes -> (status, headers, body bytes); status None if nothing parseable."""
    if b"\r\n\r\n" not in raw:
        return None, {}, raw
    head, _, body = raw.partition(b"\r\n\r\n")
    status, headers = parse_head(head)
    return status, headers, body


# ------------------------------------------------------------------ WebSocket

class WebSocket:
    """Just enough of RFC 6455 for tests: connect, read text frames, close."""

    def __init__(self, sock, leftover=b""):
        self.sock = sock
        self.buf = leftover

    @staticmethod
    def connect(port, path="/api/v1/events", session=None, timeout=5.0):
        """Returns (status, headers, body bytes, WebSocket or None)."""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: %s:%d" % (HOST, port), "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13",
                 "Origin: http://%s:%d" % (HOST, port)]
        if session:
            lines.append("Cookie: tongdai_session=" + session)
        sock = socket.create_connection((HOST, port), timeout=timeout)
        try:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            status, headers = parse_head(head)
            if status != 101:
                length = int(headers.get("content-length", "0") or 0)
                while len(rest) < length:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    rest += chunk
                sock.close()
                return status, headers, rest, None
            return status, headers, b"", WebSocket(sock, rest)
        except BaseException:
            sock.close()
            raise

    def _read_exact(self, n, deadline):
        while len(self.buf) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("websocket read timed out")
            self.sock.settimeout(remaining)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("websocket closed by the server")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload=b""):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def recv_text(self, timeout=2.0):
        """Next text message (str); raises socket.timeout or ConnectionError."""
        deadline = time.monotonic() + timeout
        message = b""
        while True:
            b0, b1 = self._read_exact(2, deadline)
            fin, opcode = b0 & 0x80, b0 & 0x0F
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read_exact(2, deadline))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read_exact(8, deadline))[0]
            mask = self._read_exact(4, deadline) if b1 & 0x80 else None
            payload = self._read_exact(n, deadline)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                raise ConnectionError("websocket close frame received")
            message += payload
            if fin:
                return message.decode("utf-8")

    def recv_json_until(self, predicate, timeout=2.0):
        """Reads messages until one (parsed as JSON) satisfies predicate; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("no matching websocket message")
            msg = json.loads(self.recv_text(timeout=remaining))
            if predicate(msg):
                return msg

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


class ServerTestCase(unittest.TestCase):
    """Base with a few assertions shared by the suites."""

    def assertError(self, result, status, code, field=None):
        st, _, body = result
        self.assertEqual(st, status, "expected %s %s, got %s %s" % (status, code, st, body))
        self.assertEqual(error_code(body), code, body)
        if field is not None:
            self.assertEqual(body["error"].get("field"), field, body)
        return body
