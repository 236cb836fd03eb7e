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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
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
        // The local cluster: an API server with kube-apiserver's semantics (store, watch,
        // patches, server-side apply) over HTTP, workloads and traffic.
        .target(
            name: "KubeSim",
            dependencies: [
                "KubeClient",
                "Statistics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The operator CLI's commands; the `rollout` executable is a thin main.
        .target(
            name: "RolloutCLI",
            dependencies: [
                "KubeClient",
                "KubeSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "rollout", dependencies: ["RolloutCLI"]),
        .executableTarget(
            name: "KubeClientBenchmark",
            dependencies: ["KubeClient", "CurlHTTP", "TestSupport"],
            path: "Benchmarks/KubeClientBenchmark"
        ),
        // Loopback servers, test PKI and process helpers shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport", exclude: ["fakeapi.py"]),
        .executableTarget(
            name: "StatisticsBenchmark",
            dependencies: ["Statistics"],
            path: "Benchmarks/StatisticsBenchmark"
        ),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "CurlHTTP", "TestSupport"]),
        .testTarget(name: "KubeSimTests", dependencies: ["KubeSim", "KubeClient", "CurlHTTP", "Statistics"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"], exclude: ["ReferenceVectors"]),
        .testTarget(name: "RolloutCLITests", dependencies: ["RolloutCLI", "KubeClient", "KubeSim", "TestSupport"]),
    ]
)
