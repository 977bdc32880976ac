#!/usr/bin/env python3
"""HTTP benchmarks of tongdai with wrk on loopback, side by side in one run:
/healthz (the ceiling of the HTTP layer), case reads, durable case creation.

Writes a section into BENCHMARKS.md with the machine and the command.
"""
import argparse, datetime, http.client, json, os, platform, re, shutil, signal
import socket, sqlite3, subprocess, sys, tempfile, time

DEMO_PASSWORD = "demo-tongdai-2026"
# One wrk thread: with two, the load generator competes with the server's two io
# threads for the two cores and p99 mostly measures the scheduler.
WRK_THREADS = 1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_healthy(port, proc, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not become healthy")


def login(port, user):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/api/v1/session", json.dumps({"login": user, "password": DEMO_PASSWORD}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = json.loads(r.read())
    cookie = r.getheader("Set-Cookie").split(";")[0]
    return cookie, body["csrf_token"]


def parse_wrk(out):
    def unit(v, u):
        return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
    res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % pct, out, re.M)
        res["p" + pct] = unit(*m.groups()) if m else None
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    return res


def wrk(url, conns, seconds, script=None, headers=()):
    cmd = ["wrk", "-t%d" % WRK_THREADS, "-c%d" % conns, "-d%ds" % seconds, "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out), " ".join(cmd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/tongdai")
    ap.add_argument("--out", default="BENCHMARKS.md")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--conns", type=int, default=256)
    ap.add_argument("--kb-articles", type=int, default=10000)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run scripts/install-deps")

    data = tempfile.mkdtemp(prefix="tongdai-bench-")
    subprocess.run([args.bin, "demo", "--data", data], check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([args.bin, "serve", "--data", data, "--listen", "127.0.0.1:%d" % port],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = []
    try:
        wait_healthy(port, proc)
        cookie, csrf = login(port, "tdv01")
        base = "http://127.0.0.1:%d" % port
        lua = os.path.join(data, "create.lua")
        body = json.dumps({"channel": "phone",
                           "contact": {"name": "Nguyễn Văn Bình", "phone": "0912 345 678"},
                           "citizen_id": "001085012345", "category": "the.tien_do",
                           "description": "Công dân hỏi vì sao chưa nhận được thẻ căn cước."},
                          ensure_ascii=False)
        with open(lua, "w", encoding="utf-8") as f:
            f.write('wrk.method = "POST"\nwrk.body = [[%s]]\n' % body)
            f.write('wrk.headers["Content-Type"] = "application/json"\n')
            f.write('wrk.headers["Cookie"] = "%s"\nwrk.headers["X-CSRF-Token"] = "%s"\n' % (cookie, csrf))
        auth = ["Cookie: " + cookie]
        runs = [
            ("GET /healthz (HTTP ceiling)", base + "/healthz", None, (), args.conns),
            ("GET /api/v1/cases/1 (case read, with session)", base + "/api/v1/cases/1", None, auth,
             args.conns),
            ("POST /api/v1/cases (durable create, synchronous=FULL)", base + "/api/v1/cases", lua, (),
             args.conns),
            # Closed loop: latency = connections / throughput, so the same load with
            # fewer connections shows the latency a creation really takes.
            ("POST /api/v1/cases, 32 connections", base + "/api/v1/cases", lua, (), 32),
        ]
        for name, url, script, headers, conns in runs:
            r, cmd = wrk(url, conns, args.seconds, script, headers)
            r["name"], r["cmd"] = name, cmd
            results.append(r)
            print("%-55s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  non-2xx %d  socket errors %d" % (
                name, r["rps"], r["p50"] or -1, r["p99"] or -1, r["non2xx"], r["socket_errors"]))
        kb = kb_over_http(port, args.kb_articles)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        db = sqlite3.connect(os.path.join(data, "tongdai.db"))
        stored = db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
        db.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    acknowledged = sum(r["requests"] - r["non2xx"] for r in results[2:])
    write_report(args, results, stored, acknowledged, kb)
    shutil.rmtree(data, ignore_errors=True)


def kb_over_http(port, n_articles):
    """Loads n synthetic articles through the API, then times search and
    suggest one request at a time on one keep-alive connection."""
    import concurrent.futures, random, urllib.parse
    queries = [q["q"] for q in json.load(open("tests/kb/queries.json", encoding="utf-8"))]
    words = sorted({w for q in queries for w in q.split()})
    rng = random.Random(20261128)
    cookie, csrf = login(port, "giamsat")

    def create(i):
        c = http.client.HTTPConnection("127.0.0.1", port)
        body = {"title": " ".join(rng.choice(words) for _ in range(8)) + " %d" % i,
                "answer": " ".join(rng.choice(words) for _ in range(120)), "category": "khac",
                "status": "published", "slug": "bench-%d" % i}
        c.request("POST", "/api/v1/kb/articles", json.dumps(body, ensure_ascii=False).encode(),
                  {"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf})
        ok = c.getresponse().status == 201
        c.close()
        return ok

    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        created = sum(pool.map(create, range(n_articles)))
    load_s = time.time() - t0
    c = http.client.HTTPConnection("127.0.0.1", port)
    out = {"articles": created, "load_s": load_s}
    for name, path, texts in (("search", "/api/v1/kb/search", queries),
                              ("suggest", "/api/v1/kb/suggest", [q[:max(2, len(q) - 2)] for q in queries])):
        lat = []
        for _ in range(4):
            for q in texts:
                t = time.perf_counter()
                c.request("GET", path + "?" + urllib.parse.urlencode({"q": q}), headers={"Cookie": cookie})
                r = c.getresponse()
                r.read()
                lat.append((time.perf_counter() - t) * 1000)
                assert r.status == 200, r.status
        lat.sort()
        out[name] = (len(lat), lat[len(lat) // 2], lat[int(len(lat) * 0.99)])
    return out


def write_report(args, results, stored, acknowledged, kb):
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ceiling = results[0]["rps"]
    lines = ["## HTTP API (`make bench` → bench/http_bench.py)", "",
             "Run %s on %s, %d cores (%s), wrk and the server on the same machine over loopback, "
             "%d connections unless said, %d s each, one wrk thread, one run, side by side." % (
                 datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.node(), os.cpu_count(),
                 cpu, args.conns, args.seconds), "",
             "| load | req/s | vs /healthz | p50 ms | p99 ms | non-2xx | socket errors |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append("| %s | %.0f | %.2f | %.2f | %.2f | %d | %d |" % (
            r["name"], r["rps"], r["rps"] / ceiling, r["p50"] or -1, r["p99"] or -1, r["non2xx"],
            r["socket_errors"]))
    lines += ["", "Durability check: %d creations acknowledged with 201 during the run; %d cases in the "
              "store after shutdown, 12 of them demo cases (a few more than acknowledged: requests "
              "still in flight when wrk stopped were committed but not counted by wrk)." % (acknowledged, stored), "",
              "Commands: " + "; ".join("`%s`" % r["cmd"] for r in results), "",
              "Knowledge-base search over HTTP: %d synthetic articles created through `POST /api/v1/kb/articles` "
              "(%.1f s, 16 clients), then one client, one keep-alive connection, the %d labelled queries "
              "four times each (Python `http.client`, its own overhead included):" % (
                  kb["articles"], kb["load_s"], kb["search"][0] // 4), "",
              "| request | calls | p50 ms | p99 ms |", "|---|---:|---:|---:|",
              "| GET /api/v1/kb/search | %d | %.2f | %.2f |" % kb["search"],
              "| GET /api/v1/kb/suggest | %d | %.2f | %.2f |" % kb["suggest"], ""]
    section = "\n".join(lines)
    text = open(args.out, encoding="utf-8").read() if os.path.exists(args.out) else "# Benchmarks\n\n"
    start = text.find("## HTTP API")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
