#!/usr/bin/env bash
# make bench: every benchmark, figures written to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
python3 bench/http_bench.py --bin "$BUILD/tongdai" --out BENCHMARKS.md
# The shipped knowledge base is several files (data/kb/*.json); kb_bench reads the directory.
"$BUILD/kb_bench" --articles data/kb --queries tests/kb/queries.json --out BENCHMARKS.md
"$BUILD/routing_bench" --out BENCHMARKS.md
