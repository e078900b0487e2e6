// swift-tools-version:6.1
import Foundation
import PackageDescription

// CI builds with ORDERLY_WARNINGS_AS_ERRORS=1, so a warning in Orderly's own code fails it (dependencies are not
// affected); everyone else sees warnings as warnings.
let warningsAsErrors = ProcessInfo.processInfo.environment["ORDERLY_WARNINGS_AS_ERRORS"] == "1"

let swiftSettings: [SwiftSetting] =
    [.enableUpcomingFeature("ExistentialAny")] + (warningsAsErrors ? [.unsafeFlags(["-warnings-as-errors"])] : [])

let package = Package(
    name: "orderly",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "orderly", targets: ["orderly"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // zlib, which every Swift toolchain on Linux needs already (zlib1g-dev): compact storage of cold records.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // The Amazon States Language: JSON values, definitions and validation, JSONPath, intrinsic functions.
        .target(
            name: "StatesLanguage", dependencies: ["JSONata", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        // A general ASL interpreter: pure stepping core, durable runner, task registry, journal protocol.
        .target(name: "WorkflowEngine", dependencies: ["StatesLanguage", "JSONata"], swiftSettings: swiftSettings),
        // JSONata (lexer, parser, evaluator, standard library): nothing of ASL or commerce in it.
        .target(name: "JSONata", swiftSettings: swiftSettings),
        // Domain: ids, money, entities, status machines, validation, events. No I/O.
        .target(name: "OrderlyModel", swiftSettings: swiftSettings),
        // Ports: Sendable protocols the services depend on.
        .target(name: "OrderlyPorts", dependencies: ["OrderlyModel"], swiftSettings: swiftSettings),
        // Use cases per bounded context.
        .target(
            name: "OrderlyServices",
            dependencies: [
                "OrderlyModel", "OrderlyPorts", "StatesLanguage", "WorkflowEngine",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQLite adapters of every port.
        .target(
            name: "StoreSQLite",
            dependencies: [
                "OrderlyModel", "OrderlyPorts", "StatesLanguage", "WorkflowEngine", "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C interface, for syncing the write-ahead log through SQLite's own file (GroupCommitWriter).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // AWS: SigV4, a signed HTTP client with retries, and the AWS services' APIs (no Soto: plain HTTP).
        .target(
            name: "AWSAdapters",
            dependencies: [
                "OrderlyModel", "OrderlyPorts", "StatesLanguage", "WorkflowEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web storefront and admin: server-rendered pages over the same use cases, sessions, CSRF.
        .target(
            name: "OrderlyWeb",
            dependencies: [
                "OrderlyModel", "OrderlyPorts", "OrderlyServices", "OrderlyHTTP", "StatesLanguage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP: routes, auth, DTOs, problem+json, OpenAPI document.
        .target(
            name: "OrderlyHTTP",
            dependencies: [
                "OrderlyModel", "OrderlyPorts", "OrderlyServices", "StatesLanguage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Composition root: configuration, adapters chosen, application built.
        .target(
            name: "OrderlyApp",
            dependencies: [
                "OrderlyModel", "OrderlyPorts", "OrderlyServices", "StoreSQLite", "OrderlyHTTP", "WorkflowEngine",
                "AWSAdapters", "OrderlyWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "orderly",
            dependencies: [
                "OrderlyApp", "OrderlyModel", "StatesLanguage", "WorkflowEngine", "StoreSQLite", "AWSAdapters",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkflowEngineTests", dependencies: ["StatesLanguage", "WorkflowEngine"],
            resources: [.copy("Golden"), .copy("Histories")], swiftSettings: swiftSettings),
        .testTarget(name: "JSONataTests", dependencies: ["JSONata"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StoreSQLiteTests",
            dependencies: ["StoreSQLite", "WorkflowEngine", "StatesLanguage", "OrderlyApp", "AWSAdapters", "CZlib"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AWSAdaptersTests",
            dependencies: ["AWSAdapters", "StatesLanguage", "WorkflowEngine", "OrderlyApp", "OrderlyServices"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "OrderlyModelTests", dependencies: ["OrderlyModel", "OrderlyPorts"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OrderlyHTTPTests",
            dependencies: [
                "OrderlyApp", "OrderlyModel", "OrderlyPorts", "OrderlyServices", "StoreSQLite", "WorkflowEngine",
                "StatesLanguage", "AWSAdapters",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
