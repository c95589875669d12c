#!/usr/bin/env bash
# Fuzzing (Docs/fuzzing.md): builds the three libFuzzer targets with -sanitize=fuzzer,address into
# .build-fuzz/ and runs each for 60 s from its committed seed corpus; a crash or a broken invariant fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash Tools/fuzz.sh ci "${VENDORMATCH_FUZZ_SECONDS:-60}"
