#!/usr/bin/env bash
# Import throughput: generates a 3,000-vendor market (≈22k case studies, ≈22k referrals) with
# Tools/gen-import-market.py, then imports it 3× into a fresh database with the release binary, and once
# more into the filled database (all updates). Prints the binary's summaries: wall-clock records/s and
# records per CPU second (the steadier figure on a shared machine).
#   Tools/bench-import.sh [VENDORS]
set -euo pipefail
cd "$(dirname "$0")/.."
vendors="${1:-3000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 Tools/gen-import-market.py "$work/market" --vendors "$vendors"
nice -n 10 swift build -c release --product vendormatch >/dev/null
bin="$(swift build -c release --show-bin-path)/vendormatch"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2 3; do
    rm -f "$work/bench.sqlite"*
    nice "$bin" import "$work/market" --db "$work/bench.sqlite" | head -1
done
echo "re-import (all updates):"
nice "$bin" import "$work/market" --db "$work/bench.sqlite" | head -1
