# rolloutd (and the rollout CLI) in a container image. Not built by `make test`: the
# machines this project is developed on cannot fetch base images. Build it where Docker can:
#   docker build -t sluice/rolloutd:v0.1.0 .
# Stage 1: the Swift 6.3 toolchain builds release binaries with the Swift runtime linked
# in statically, so the runtime image needs only libcurl (CurlHTTP) and its TLS libraries.
FROM swift:6.3-noble AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole package (SwiftPM wants every target's folder, tests included); .dockerignore
# leaves out build products.
COPY . .
RUN swift build -c release --static-swift-stdlib --product rolloutd \
    && swift build -c release --static-swift-stdlib --product rollout \
    && mkdir -p /out && cp "$(swift build -c release --show-bin-path)/rolloutd" "$(swift build -c release --show-bin-path)/rollout" /out/

# Stage 2: a slim runtime: libcurl, CA certificates, tzdata; no compiler, no package cache.
FROM ubuntu:noble
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4t64 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/rolloutd /out/rollout /usr/local/bin/
# The non-root user the Deployment's securityContext expects (runAsUser 65532).
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/rolloutd"]
