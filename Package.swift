// swift-tools-version: 6.1
import PackageDescription

/// One shared list: Swift 6 language mode comes with the tools version; `any` is spelled out.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "VendorMatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vendormatch", targets: ["vendormatch"]),
        .library(name: "VendorMatchCore", targets: ["VendorMatchCore"]),
        .library(name: "VendorMatchRanking", targets: ["VendorMatchRanking"]),
        .library(name: "VendorMatchStore", targets: ["VendorMatchStore"]),
        .library(name: "VendorMatchPostgres", targets: ["VendorMatchPostgres"]),
        .library(name: "VendorMatchDemo", targets: ["VendorMatchDemo"]),
        .library(name: "VendorMatchProto", targets: ["VendorMatchProto"]),
        .library(name: "VendorMatchClient", targets: ["VendorMatchClient"]),
        .library(name: "VendorMatchServer", targets: ["VendorMatchServer"]),
        .library(name: "VendorMatchSemantic", targets: ["VendorMatchSemantic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Value types, taxonomy, validation, JSON: no I/O beyond reading the taxonomy files.
        .target(name: "VendorMatchCore", swiftSettings: swiftSettings),
        // Offline evaluation: TREC qrels/runs, trec_eval-exact metrics, significance tests, segments.
        .target(name: "VendorMatchEval", dependencies: ["VendorMatchCore"], swiftSettings: swiftSettings),
        // Pure ranking math over an in-memory index: encoders, similarity, trust, quality, ranker.
        .target(name: "VendorMatchRanking", dependencies: ["VendorMatchCore", "CPrefetch", "CTreeKernel", "CVectorKernel"], swiftSettings: swiftSettings),
        // The second phase's batch tree traversal: complete trees walked without branches, rows interleaved.
        .target(name: "CTreeKernel"),
        // The semantic need index's scans: float and int8 dot products (AVX2 chosen at run time), nearest centroids.
        .target(name: "CVectorKernel"),
        // A cache prefetch hint for the scoring loop (no Swift spelling for it).
        .target(name: "CPrefetch"),
        // The SQLite catalogue: schema, migrations, JSON Lines import/export, stats, API keys (stored hashed).
        .target(
            name: "VendorMatchStore",
            dependencies: [
                "VendorMatchCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL catalogue (CONTRACT §8): the same `CatalogueStoring` protocol over postgres-nio,
        // with named migrations, a change log and a catalogue version.
        .target(
            name: "VendorMatchPostgres",
            dependencies: [
                "VendorMatchCore", "VendorMatchStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The synthetic demo market: latent truth, catalogue records, requests and simulated buyer choices.
        .target(name: "VendorMatchDemo", dependencies: ["VendorMatchCore"], swiftSettings: swiftSettings),
        // Swift code generated from Protos/ by protoc + protoc-gen-swift (Tools/generate-protos.sh); committed.
        .target(
            name: "VendorMatchProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: swiftSettings
        ),
        // The wire format of CONTRACT §4: length-prefixed Frame codec, method paths, status codes.
        .target(
            name: "VendorMatchWire",
            dependencies: [
                "VendorMatchProto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // The TCP server: connections, pipelining, auth, deadlines, stats, graceful shutdown; the backend
        // that puts the ranking engine and the SQLite catalogue behind it.
        .target(
            name: "VendorMatchServer",
            dependencies: [
                "VendorMatchCore", "VendorMatchProto", "VendorMatchWire", "VendorMatchRanking", "VendorMatchStore", "VendorMatchEval",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The async/await client: one connection multiplexing concurrent calls; the load generator.
        .target(
            name: "VendorMatchClient",
            dependencies: [
                "VendorMatchProto", "VendorMatchWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The MiniLM sentence encoder: WordPiece tokenizer and a 6-layer BERT in Swift.
        // Its matrix kernels, chosen at run time: AVX-512 on half-precision / bfloat16 weights, and the
        // portable sgemm used unless the system has a usable OpenBLAS (loaded with dlopen: building
        // needs no BLAS).
        .target(name: "CMiniLMKernels"),
        .target(
            name: "VendorMatchSemantic", dependencies: ["VendorMatchCore", "VendorMatchRanking", "CMiniLMKernels"],
            swiftSettings: swiftSettings
        ),
        // The thin command line: parses arguments, calls the libraries.
        .executableTarget(
            name: "vendormatch",
            dependencies: [
                "VendorMatchCore",
                "VendorMatchEval",
                "VendorMatchRanking",
                "VendorMatchStore", "VendorMatchPostgres",
                "VendorMatchDemo",
                "VendorMatchProto", "VendorMatchWire", "VendorMatchServer", "VendorMatchClient",
                "VendorMatchSemantic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "VendorMatchCoreTests", dependencies: ["VendorMatchCore"], swiftSettings: swiftSettings),
        .testTarget(name: "VendorMatchEvalTests", dependencies: ["VendorMatchEval"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VendorMatchRankingTests", dependencies: ["VendorMatchRanking", "VendorMatchCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VendorMatchStoreTests",
            dependencies: [
                "VendorMatchStore", "VendorMatchPostgres", "VendorMatchCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "VendorMatchDemoTests", dependencies: ["VendorMatchDemo", "VendorMatchCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VendorMatchWireTests",
            dependencies: [
                "VendorMatchWire", "VendorMatchProto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VendorMatchServerTests",
            dependencies: [
                "VendorMatchServer", "VendorMatchClient", "VendorMatchWire", "VendorMatchProto", "VendorMatchCore",
                "VendorMatchRanking", "VendorMatchStore", "VendorMatchDemo", "VendorMatchPostgres",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VendorMatchSemanticTests",
            dependencies: ["VendorMatchSemantic", "VendorMatchRanking", "VendorMatchCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)

// The libFuzzer targets (Tests/Fuzz, run by Tools/fuzz.sh): declared only when VENDORMATCH_FUZZ is set, so
// the normal build and `swift test` never compile them (they have no `main` without `-sanitize=fuzzer`).
// FuzzRequests and FuzzJSONLines compile the product's own files under test through symlinks (VendorMatchServer's
// ProtoFields/ProtoRecords, VendorMatchStore's ImportParser and its two helpers), so a sanitized build
// needs neither SQLite, swift-crypto nor the NIO server: minutes instead of half an hour on two cores.
if Context.environment["VENDORMATCH_FUZZ"] != nil {
    let fuzzSettings = swiftSettings + [.unsafeFlags(["-parse-as-library"])]
    package.targets += [
        .target(name: "CLibFuzzer", path: "Tests/Fuzz/CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["VendorMatchCore", "CLibFuzzer"], path: "Tests/Fuzz/FuzzSupport", swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzFrames",
            dependencies: [
                "FuzzSupport", "VendorMatchWire", "VendorMatchProto", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/Fuzz/FuzzFrames", swiftSettings: fuzzSettings
        ),
        .executableTarget(
            name: "FuzzRequests",
            dependencies: ["FuzzSupport", "VendorMatchCore", "VendorMatchProto", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Tests/Fuzz/FuzzRequests", swiftSettings: fuzzSettings
        ),
        .executableTarget(
            name: "FuzzJSONLines",
            dependencies: ["FuzzSupport", "VendorMatchCore"],
            path: "Tests/Fuzz/FuzzJSONLines", swiftSettings: fuzzSettings
        ),
    ]
}
