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
        .library(name: "VendorMatchSemantic", targets: ["VendorMatchSemantic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Value types, taxonomy, validation, JSON: no I/O beyond reading the taxonomy files.
        .target(name: "VendorMatchCore", swiftSettings: swiftSettings),
        // Pure ranking math over an in-memory index: encoders, similarity, trust, quality, ranker.
        .target(name: "VendorMatchRanking", dependencies: ["VendorMatchCore"], swiftSettings: swiftSettings),
        // The SQLite catalogue: schema, migrations, JSON Lines import/export, stats.
        .target(
            name: "VendorMatchStore",
            dependencies: ["VendorMatchCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Debian's OpenBLAS (libopenblas-dev) for the sentence encoder's matrix products.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // The MiniLM sentence encoder: WordPiece tokenizer and a 6-layer BERT in Swift.
        // Its AVX-512 matrix kernel on half-precision weights, chosen at run time.
        .target(name: "CMiniLMKernels"),
        .target(
            name: "VendorMatchSemantic", dependencies: ["VendorMatchCore", "CBLAS", "CMiniLMKernels"],
            swiftSettings: swiftSettings
        ),
        // The thin command line: parses arguments, calls the libraries.
        .executableTarget(
            name: "vendormatch",
            dependencies: [
                "VendorMatchCore",
                "VendorMatchRanking",
                "VendorMatchStore",
                "VendorMatchSemantic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "VendorMatchCoreTests", dependencies: ["VendorMatchCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VendorMatchRankingTests", dependencies: ["VendorMatchRanking", "VendorMatchCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VendorMatchStoreTests",
            dependencies: ["VendorMatchStore", "VendorMatchCore"],
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
