#!/usr/bin/env bash
# Retrains the shipped second phase (Models/ranking-model.json + Models/ranking-model.trees.json) on ten demo
# markets whose buyers weigh the work, industry, size, referrals and quality differently (`demo-data --taste`),
# centred on the procurement research (experience first, referrals next). The first phase (the linear weights
# and parameters of Models/ranking-model.json) is kept. Needs libxgboost-dev; ~15 minutes on 2 cores.
#   Tools/train-default-model.sh [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
swift build -c release --product vendormatch >/dev/null
B="$(swift build -c release --show-bin-path)/vendormatch"
markets=(
    "11 3000 "
    "12 2000 work=1.5,industry=2,size=1.5,trust=0.5,quality=0.5"
    "13 3000 trust=3"
    "14 2000 quality=3"
    "15 3000 industry=0.5,size=0.5,trust=2,quality=2"
    "16 2000 work=0.7,industry=2.5,size=2,trust=1.5,quality=0.7"
    "17 3000 work=1.2,trust=2,quality=0.5"
    "18 2000 industry=1.5,quality=2"
    "19 3000 industry=1.5,size=2.5"
    "20 2000 work=2,industry=0.7,size=0.7,trust=1.5,quality=1.5"
)
args=()
for m in "${markets[@]}"; do
    read -r seed vendors taste <<<"$m"
    "$B" demo-data --out "$work/t$seed" --seed "$seed" --vendors "$vendors" --requests 300 --taste "${taste:-}" --models Models >/dev/null
    args+=(--market "$work/t$seed")
done
"$B" train "${args[@]}" --folds 3 --rounds 600 --eta 0.1 --max-depth 4 --candidates 300 --need-encoder lexical --models Models \
    --out Models/ranking-model.json
