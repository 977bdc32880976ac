#!/usr/bin/env python3
"""Runs build/sip_bench (the SIP endpoint under SIPp load) and writes its
summary as the "## Telephony" section of BENCHMARKS.md."""
import datetime
import os
import platform
import subprocess
import sys

build, out = sys.argv[1], sys.argv[2]
cmd = [os.path.join(build, "sip_bench"), "--calls", "500", "--rate", "50", "--total", "2000", "--hold-ms", "12000"]
run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
lines = [l for l in (run.stdout + run.stderr).splitlines() if l.strip()]
summary = [l for l in lines if l.startswith(("sipp exit", "calls:", "endpoint CPU", "INVITE->200"))]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
section = ["## Telephony: SIP endpoint under load (`make bench` → build/sip_bench)", "",
           "Run %s on %s, %d cores (%s). Command: `%s`. SIPp on the same machine places hotline calls "
           "(tests/sip/uac_hotline_load.xml: 7 s of G.711 A-law speech each, held 12 s) at 50/s up to 500 at once; "
           "the endpoint answers each and plays a looped prompt (RTP both ways). CPU is the endpoint process's own "
           "(/proc/self/stat), SIPp excluded; INVITE→200 is SIPp's response time (ms resolution)." % (
               datetime.date.today(), platform.node(), os.cpu_count(), cpu, " ".join(["build/sip_bench"] + cmd[1:])), ""]
section += ["- " + l for l in summary] + [""]
text = open(out).read() if os.path.exists(out) else "# Benchmarks\n"
start = text.find("## Telephony")
block = "\n".join(section)
if start >= 0:
    end = text.find("\n## ", start + 1)
    text = text[:start] + block + ("\n" + text[end + 1:] if end >= 0 else "")
else:
    text = text.rstrip("\n") + "\n\n" + block
open(out, "w").write(text)
print(block)
sys.exit(run.returncode)
