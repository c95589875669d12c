#!/usr/bin/env bash
# Builds the libFuzzer targets (Tests/Fuzz) with -sanitize=fuzzer,address and runs them on their seed corpus.
#
#   bash Tools/fuzz.sh build                      # build every target into .build-fuzz/release/
#   bash Tools/fuzz.sh run TARGET [libFuzzer flags]   # e.g. run FuzzFrames -runs=10000000
#   bash Tools/fuzz.sh ci [SECONDS]               # build, then run each target SECONDS (default 60); fails on a crash
#
# Targets: FuzzFrames (frame decoder), FuzzRequests (request protobufs → validated records), FuzzJSONLines
# (JSON Lines records, the importer's parser). The seed corpus of each is Tests/Fuzz/corpus/TARGET (read
# only); new inputs go to .build-fuzz/corpus/TARGET, crashes to .build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(FuzzJSONLines FuzzRequests FuzzFrames)
scratch=.build-fuzz
export VENDORMATCH_FUZZ=1   # Package.swift declares the fuzz targets only then
export VENDORMATCH_MODELS="$PWD/Models"
flags=(-c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address)

build() {
    for t in "${targets[@]}"; do
        swift build "${flags[@]}" --product "$t" >&2
    done
}

run() {
    local target="$1"; shift
    local bin; bin="$(swift build "${flags[@]}" --show-bin-path)/$target"
    mkdir -p "$scratch/corpus/$target" "$scratch/artifacts"
    # Leaks: libFuzzer's leak check flags Swift's process-lifetime caches (the taxonomy); ASan still checks
    # every memory error.
    # Swift's own crash backtracer is turned off: it races ASan's reports.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$bin" -artifact_prefix="$scratch/artifacts/$target-" \
        -print_final_stats=1 "$@" "$scratch/corpus/$target" "Tests/Fuzz/corpus/$target"
}

case "${1:-}" in
    build) build ;;
    run) shift; run "$@" ;;
    ci)
        seconds="${2:-60}"
        build
        for t in "${targets[@]}"; do
            echo "== $t: ${seconds}s"
            if ! run "$t" -max_total_time="$seconds" 2>&1 | tail -n 30; then
                echo "FAILED: $t (the input is in $scratch/artifacts/)"
                exit 1
            fi
        done
        ;;
    *) sed -n 2,11p "$0"; exit 2 ;;
esac
