#!/usr/bin/env bash
# make bench: every benchmark, figures written to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
python3 bench/http_bench.py --bin "$BUILD/tongdai" --out BENCHMARKS.md
# The shipped knowledge base is several files (data/kb/*.json): one array for the bench.
python3 -c 'import glob,json,sys; json.dump([a for f in sorted(glob.glob("data/kb/*.json")) for a in json.load(open(f))], sys.stdout, ensure_ascii=False)' > "$BUILD/kb-articles.json"
"$BUILD/kb_bench" --articles "$BUILD/kb-articles.json" --queries tests/kb/queries.json --out BENCHMARKS.md
"$BUILD/routing_bench" --out BENCHMARKS.md
