#!/usr/bin/env bash
# make bench: every benchmark, figures written to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
python3 bench/http_bench.py --bin "$BUILD/tongdai" --out BENCHMARKS.md
# The shipped knowledge base is several files (data/kb/*.json); kb_bench reads the directory.
"$BUILD/kb_bench" --articles data/kb --queries tests/kb/queries.json --out BENCHMARKS.md
"$BUILD/routing_bench" --out BENCHMARKS.md
# Registry: SQLite and PostgreSQL side by side on the same generated people.
# REGISTRY_BENCH_PEOPLE (default 1000000,10000000) sets the sizes; 10 million
# needs ~15 GB of disk under /tmp and ~25 minutes on 2 cores.
PGDIR=$(mktemp -d /tmp/tongdai-bench-pg.XXXXXX)
trap 'scripts/test-postgres stop "$PGDIR"' EXIT
PG=$(scripts/test-postgres start "$PGDIR" 54339)
"$BUILD/registry_bench" --people "${REGISTRY_BENCH_PEOPLE:-1000000,10000000}" --dir /tmp/tongdai-registry-bench \
  --pg "$PG" --out BENCHMARKS.md
# Telephony: the SIP endpoint with 500 concurrent calls (SIPp on loopback).
python3 bench/sip_report.py "$BUILD" BENCHMARKS.md
# Telephony end to end: tongdai with SIP, 500 callers in IVR and queue, routing to 20 agents' phones.
python3 bench/telephony_bench.py "$BUILD" BENCHMARKS.md
