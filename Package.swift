// swift-tools-version:6.1
// Sluice: a progressive-delivery controller for Kubernetes. See README.md.
import PackageDescription

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rollout", targets: ["rollout"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
        .library(name: "CurlHTTP", targets: ["CurlHTTP"]),
        .library(name: "Statistics", targets: ["Statistics"]),
        .library(name: "SluiceAPI", targets: ["SluiceAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libcurl, with typed shims for its variadic setters.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Async HTTP over one libcurl multi handle; knows nothing of Kubernetes.
        .target(
            name: "CurlHTTP",
            dependencies: ["CCurl"]
        ),
        // Pure math for judging canaries: distributions, fixed-horizon and anytime-valid
        // tests, multiplicity, SLO burn rates. No I/O, no dependencies.
        .target(name: "Statistics"),
        // Kubernetes REST: kubeconfig, in-cluster and exec auth, verbs, patches, watch.
        .target(
            name: "KubeClient",
            dependencies: [
                "CurlHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The condition language of analysis metrics (`result[0] < 0.01 && len(result) > 0`):
        // lexer, parser and evaluator. Pure, no dependencies, so validation can parse too.
        .target(name: "ConditionLanguage"),
        // Sluice's own kinds (Rollout, analysis) as Codable values: validation with field
        // paths, and the CRDs generated from the same types.
        .target(
            name: "SluiceAPI",
            dependencies: [
                "KubeClient",
                "ConditionLanguage",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The local cluster: an API server with kube-apiserver's semantics (store, watch,
        // patches, server-side apply) over HTTPS, workloads and traffic.
        .target(
            name: "KubeSim",
            dependencies: [
                "KubeClient",
                "Statistics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Pure planning: the step machine, replica math and phase, shared by controller and CLI.
        .target(name: "RolloutCore", dependencies: ["SluiceAPI", "KubeClient"]),
        // `TrafficRouter`: reads and edits the object that splits traffic (one folder per
        // router: GatewayAPI, ReplicaRatio). Pure edits of JSON; no I/O.
        .target(name: "TrafficRouting", dependencies: ["SluiceAPI", "RolloutCore", "KubeClient"]),
        // Analysis building blocks: argument resolution, the `MetricProvider` protocol and its
        // Prometheus, web and Job providers, and the pure assessment of AnalysisRuns; and
        // (Judge/) the statistical decisions, pure: canary judge, Kayenta mode, SLO guard, A/B
        // experiments, shadow comparison.
        .target(
            name: "Analysis",
            dependencies: [
                "SluiceAPI",
                "KubeClient",
                "CurlHTTP",
                "ConditionLanguage",
                "Statistics",
            ]
        ),
        // The controller's runtime and reconcilers (Rollouts, and the AnalysisRuns they start):
        // informers, work queues, leader election.
        .target(
            name: "Controller",
            dependencies: [
                "KubeClient",
                "SluiceAPI",
                "RolloutCore",
                "TrafficRouting",
                "Analysis",
                "CurlHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // What `rollout status`, `get` and `list` print, `lint` checks and `convert` writes:
        // pure functions of fetched objects and a clock, golden-tested without a cluster.
        .target(name: "RolloutView", dependencies: ["SluiceAPI", "RolloutCore", "KubeClient"]),
        // The operator CLI's commands; the `rollout` executable is a thin main.
        .target(
            name: "RolloutCLI",
            dependencies: [
                "Controller",
                "KubeClient",
                "KubeSim",
                "RolloutCore",
                "RolloutView",
                "SluiceAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "rollout", dependencies: ["RolloutCLI"]),
        .executableTarget(name: "rolloutd", dependencies: ["RolloutCLI"]),
        // Flag parsing, process figures and percentiles shared by the benchmark executables.
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
        .executableTarget(
            name: "KubeClientBenchmark",
            dependencies: ["KubeClient", "CurlHTTP", "TestSupport", "BenchmarkSupport"],
            path: "Benchmarks/KubeClientBenchmark"
        ),
        // Loopback servers, test PKI and process helpers shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport", exclude: ["fakeapi.py"]),
        .executableTarget(
            name: "KubeSimBenchmark",
            dependencies: ["KubeSim", "KubeClient", "BenchmarkSupport"],
            path: "Benchmarks/KubeSimBenchmark"
        ),
        .executableTarget(
            name: "ControllerBenchmark",
            dependencies: ["Controller", "KubeSim", "KubeClient", "SluiceAPI", "BenchmarkSupport",
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/ControllerBenchmark"
        ),
        .executableTarget(
            name: "RollbackBenchmark",
            dependencies: ["Controller", "KubeSim", "KubeClient", "SluiceAPI", "BenchmarkSupport", "TestSupport",
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/RollbackBenchmark"
        ),
        .executableTarget(
            name: "StatisticsBenchmark",
            dependencies: ["Statistics", "Analysis", "SluiceAPI", "BenchmarkSupport"],
            path: "Benchmarks/StatisticsBenchmark"
        ),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "CurlHTTP", "TestSupport"]),
        .testTarget(name: "KubeSimTests", dependencies: ["KubeSim", "KubeClient", "CurlHTTP", "Statistics", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "TestSupport"], exclude: ["ReferenceVectors"]),
        .testTarget(name: "ControllerTests", dependencies: ["Controller", "RolloutCore", "Analysis", "KubeClient", "KubeSim", "SluiceAPI", "TestSupport", "CurlHTTP",
                                                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .testTarget(name: "RolloutCoreTests", dependencies: ["RolloutCore", "SluiceAPI", "KubeClient"]),
        .testTarget(name: "TrafficRoutingTests", dependencies: ["TrafficRouting", "RolloutCore", "SluiceAPI", "KubeClient", "KubeSim"]),
        .testTarget(name: "SluiceAPITests", dependencies: ["SluiceAPI", "KubeClient"]),
        .testTarget(name: "ConditionLanguageTests", dependencies: ["ConditionLanguage"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "SluiceAPI", "KubeClient", "KubeSim", "CurlHTTP", "ConditionLanguage", "TestSupport", "Statistics",
                                                         .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "RolloutCLITests", dependencies: ["RolloutCLI", "RolloutView", "Controller", "RolloutCore", "SluiceAPI",
                                                           "KubeClient", "KubeSim", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RolloutViewTests", dependencies: ["RolloutView", "RolloutCore", "SluiceAPI", "KubeClient"],
                    exclude: ["Goldens"]),
    ]
)
