#!/usr/bin/env bash
# Regenerates Sources/VendorMatchProto/ from Protos/ with Debian's protoc (protobuf-compiler) and
# protoc-gen-swift from apple/swift-protobuf 1.39.0. The generated Swift is committed: CI never runs this.
#
#   PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift Tools/generate-protos.sh
#
# Without $PROTOC_GEN_SWIFT the plugin is built once in /tmp/swift-protobuf (a few minutes), outside the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

plugin="${PROTOC_GEN_SWIFT:-}"
if [ -z "$plugin" ]; then
    src=/tmp/swift-protobuf
    if [ ! -d "$src" ]; then
        git clone -q https://github.com/apple/swift-protobuf "$src"
    fi
    git -C "$src" checkout -q 1.39.0
    (cd "$src" && nice -n 10 swift build -c release --product protoc-gen-swift >&2)
    plugin="$src/.build/release/protoc-gen-swift"
fi

rm -f Sources/VendorMatchProto/vendormatch/v1/*.pb.swift
mkdir -p Sources/VendorMatchProto
protoc \
    --plugin=protoc-gen-swift="$plugin" \
    --swift_opt=Visibility=Public \
    --swift_out=Sources/VendorMatchProto \
    -I Protos \
    Protos/vendormatch/v1/*.proto
echo "generated: $(ls Sources/VendorMatchProto/vendormatch/v1/*.pb.swift)"
