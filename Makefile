# Sluice: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
JOBS ?= 2
# nginx-light: a real HTTP/2 peer for the protocol tests and the benchmark.
APT_PACKAGES := libcurl4-openssl-dev libssl-dev openssl python3 pkg-config nginx-light
BENCH_ARGS ?=

.PHONY: all build deps demo test bench clean

all: build

## deps: install the system packages the build and the tests need (idempotent).
deps:
	@./scripts/install-deps.sh $(APT_PACKAGES)

build: deps
	$(SWIFT) build -j $(JOBS)

## demo: the main job on the embedded default; see README.md.
demo: deps
	$(SWIFT) build -j $(JOBS) --product rollout
	@./scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/rollout"

## test: install what is missing, then run every test.
test: deps
	$(SWIFT) build -j $(JOBS) --build-tests
	$(SWIFT) test -j $(JOBS) --skip-build

## bench: benchmarks (Benchmarks/), release build. BENCH_ARGS="--gets 1000 --idle 60" for the full run.
bench: deps
	$(SWIFT) build -j $(JOBS) -c release --product KubeClientBenchmark
	"$$($(SWIFT) build -c release --show-bin-path)/KubeClientBenchmark" $(BENCH_ARGS)

clean:
	rm -rf .build
