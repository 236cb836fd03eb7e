# Sluice: the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
JOBS ?= 2
# nginx-light: a real HTTP/2 peer for the protocol tests and the benchmark.
# prometheus: the tests run /usr/bin/prometheus and /usr/bin/promtool themselves (own port,
# temporary storage); whether the package's systemd service starts does not matter.
APT_PACKAGES := libcurl4-openssl-dev libssl-dev openssl python3 pkg-config nginx-light curl prometheus
# Python packages the tests need: scipy writes the statistics reference vectors; the
# official `kubernetes` client checks KubeSim (Tests/KubeSimConformance, pytest). For
# Tests/InstallTests: helm-python-sdk renders and lints the chart through Helm's own Go SDK
# (a shared library in the wheel: no helm binary, nothing downloaded at run time),
# kubernetes-validate checks objects against Kubernetes' OpenAPI schemas (bundled), and
# common-expression-language evaluates the admission policy's CEL.
PIP_PACKAGES := 'scipy==1.17.*' kubernetes pytest pyyaml 'helm-python-sdk==0.2.*' 'kubernetes-validate==1.37.*' \
	'common-expression-language==0.10.*'
BENCH_ARGS ?=

.PHONY: all build deps demo tour test bench clean reference-vectors crds install-manifests

all: build

## deps: install the system packages the build and the tests need (idempotent).
deps:
	@./scripts/install-deps.sh $(APT_PACKAGES)
	@python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore $(PIP_PACKAGES)

build: deps
	$(SWIFT) build -j $(JOBS)

## demo: the main job on the embedded default; see README.md.
demo: deps
	$(SWIFT) build -j $(JOBS) --product rollout
	@./scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/rollout"

## tour: the parts under the demo one by one (client over TLS, KubeSim with curl).
tour: deps
	$(SWIFT) build -j $(JOBS) --product rollout
	@./scripts/tour.sh "$$($(SWIFT) build --show-bin-path)/rollout"

## test: install what is missing, then run every test.
test: deps
	@./scripts/reference-vectors/check.sh
	$(SWIFT) build -j $(JOBS) --build-tests
	$(SWIFT) test -j $(JOBS) --skip-build
	ROLLOUT_BIN="$$($(SWIFT) build --show-bin-path)/rollout" python3 -m pytest -q Tests/KubeSimConformance
	SLUICE_BIN_PATH="$$($(SWIFT) build --show-bin-path)" python3 -m pytest -q Tests/InstallTests

## reference-vectors: rewrite the committed statistics reference vectors from scipy.
reference-vectors: deps
	@for script in scripts/reference-vectors/*.py; do python3 "$$script" Tests/StatisticsTests/ReferenceVectors; done

## crds: regenerate manifests/crds/ from the types in Sources/SluiceAPI (a test fails when
## the committed files differ from what the types generate), their copies in the Helm chart,
## and manifests/install.yaml.
crds: deps
	$(SWIFT) build -j $(JOBS) --product rollout
	"$$($(SWIFT) build --show-bin-path)/rollout" crds --output-dir manifests/crds
	cp manifests/crds/*.yaml charts/sluice/crds/
	./scripts/install-manifests.sh > manifests/install.yaml

## install-manifests: rewrite manifests/install.yaml from manifests/crds, rbac and controller
## (a test fails when the committed file is not what this writes).
install-manifests:
	./scripts/install-manifests.sh > manifests/install.yaml

## bench: benchmarks (Benchmarks/), release build, full sizes by default.
## Smaller: make bench BENCH_ARGS="--gets 200 --idle 3" STATS_BENCH_ARGS="--samples 5000 --repeats 3" \
##          KUBESIM_BENCH_ARGS="--objects 1000 --watches 10 --writes 20" CONTROLLER_BENCH_ARGS="--rollouts 20" \
##          JSON_BENCH_OBJECTS=1000 ROLLBACK_BENCH_ARGS="--runs 1"
## BENCH_CONFIG=debug reuses the test build (CI: checks the benchmarks run; figures need release).
STATS_BENCH_ARGS ?=
KUBESIM_BENCH_ARGS ?=
CONTROLLER_BENCH_ARGS ?=
ROLLBACK_BENCH_ARGS ?=
JSON_BENCH_OBJECTS ?= 10000
BENCH_CONFIG ?= release
bench: deps
	$(SWIFT) build -j $(JOBS) -c $(BENCH_CONFIG) --product KubeClientBenchmark
	$(SWIFT) build -j $(JOBS) -c $(BENCH_CONFIG) --product StatisticsBenchmark
	$(SWIFT) build -j $(JOBS) -c $(BENCH_CONFIG) --product KubeSimBenchmark
	$(SWIFT) build -j $(JOBS) -c $(BENCH_CONFIG) --product ControllerBenchmark
	$(SWIFT) build -j $(JOBS) -c $(BENCH_CONFIG) --product RollbackBenchmark
	"$$($(SWIFT) build -c $(BENCH_CONFIG) --show-bin-path)/KubeClientBenchmark" $(BENCH_ARGS)
	"$$($(SWIFT) build -c $(BENCH_CONFIG) --show-bin-path)/KubeClientBenchmark" --json $(JSON_BENCH_OBJECTS)
	"$$($(SWIFT) build -c $(BENCH_CONFIG) --show-bin-path)/StatisticsBenchmark" $(STATS_BENCH_ARGS)
	"$$($(SWIFT) build -c $(BENCH_CONFIG) --show-bin-path)/KubeSimBenchmark" $(KUBESIM_BENCH_ARGS)
	"$$($(SWIFT) build -c $(BENCH_CONFIG) --show-bin-path)/ControllerBenchmark" $(CONTROLLER_BENCH_ARGS)
	"$$($(SWIFT) build -c $(BENCH_CONFIG) --show-bin-path)/RollbackBenchmark" $(ROLLBACK_BENCH_ARGS)

clean:
	rm -rf .build
