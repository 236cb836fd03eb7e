#!/usr/bin/env bash
# `make demo`: KubeSim (the local cluster) and the controller in one process. The example
# canary (manifests/examples/canary-gateway-api.yaml: two Services, an HTTPRoute and a
# Rollout) goes live at v1; then the image changes to v2 and the canary walks its steps —
# a header route for testers, 10% / 30% / 60% of traffic with pauses — to Healthy. Each
# transition is printed as it happens. Exit 0 once v2 is Healthy, non-zero otherwise.
set -euo pipefail
rollout="${1:?usage: demo.sh PATH-TO-rollout}"
cd "$(dirname "$0")/.."
exec "$rollout" demo --example manifests/examples/canary-gateway-api.yaml
