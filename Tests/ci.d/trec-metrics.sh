#!/usr/bin/env bash
# vendormatch eval against pytrec_eval (trec_eval 9) and ranx on a seeded run with ties, requests without a
# relevant vendor and a judged request missing from the run (see Tests/Interop/check_metrics.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --product vendormatch >/dev/null
BIN="$(swift build --show-bin-path)/vendormatch"
python3 Tests/Interop/check_metrics.py "$BIN"
