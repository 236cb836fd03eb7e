#!/usr/bin/env bash
# `make tour`: the parts under the demo, one by one — the libcurl Kubernetes client behind
# `rollout` against a stand-in API server over TLS with a kubeconfig, then KubeSim standalone
# (`rollout sim`) with workloads and simulated users, driven with curl. It ends by itself.
set -euo pipefail
rollout="${1:?usage: demo.sh PATH-TO-rollout}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t sluice-demo-XXXXXX)"
trap 'exec {server_in}>&- 2>/dev/null || true; rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "A throwaway certificate authority and server certificate (openssl)"
cat > "$work/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[server]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
CNF
export OPENSSL_CONF="$work/openssl.cnf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=sluice-demo-ca" \
    -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=kubernetes" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
    -extfile "$work/openssl.cnf" -extensions server -out "$work/server.crt" 2>/dev/null
echo "CA: $work/ca.crt"

step "A stand-in API server on loopback (HTTPS, bearer token required)"
token="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
fifo="$work/control"
mkfifo "$fifo"
python3 "$here/Tests/TestSupport/fakeapi.py" --tls-cert "$work/server.crt" --tls-key "$work/server.key" \
    --require-token "$token" < "$fifo" > "$work/server.out" &
exec {server_in}>"$fifo"
for _ in $(seq 1 100); do grep -q port "$work/server.out" 2>/dev/null && break; sleep 0.1; done
port="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["port"])' "$work/server.out")"
echo '{"op":"script","method":"GET","path":"/version","responses":[{"body":{"major":"1","minor":"31","gitVersion":"v1.31.2","platform":"linux/amd64","goVersion":"go1.22.8"}}]}' >&"$server_in"
echo "listening on https://127.0.0.1:$port"

step "A kubeconfig for it (CA embedded, token), as kubectl would use"
ca_data="$(base64 -w0 < "$work/ca.crt")"
cat > "$work/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
current-context: demo
clusters:
- name: demo
  cluster: {server: "https://127.0.0.1:$port", certificate-authority-data: "$ca_data"}
- name: demo-wrong-ca
  cluster: {server: "https://127.0.0.1:$port", certificate-authority: /etc/ssl/certs/ca-certificates.crt}
- name: demo-nothing-there
  cluster: {server: "https://127.0.0.1:1", certificate-authority-data: "$ca_data"}
users:
- name: demo
  user: {token: "$token"}
- name: stranger
  user: {token: "not-the-token"}
contexts:
- {name: demo, context: {cluster: demo, user: demo, namespace: shop}}
- {name: wrong-ca, context: {cluster: demo-wrong-ca, user: demo}}
- {name: stranger, context: {cluster: demo, user: stranger}}
- {name: nothing-there, context: {cluster: demo-nothing-there, user: demo}}
KUBECONFIG
echo "$work/kubeconfig (contexts: demo, wrong-ca, stranger, nothing-there)"

step "rollout version --kubeconfig … (verified TLS, bearer token)"
"$rollout" version --kubeconfig "$work/kubeconfig"

for context in wrong-ca stranger nothing-there; do
    step "rollout version --context $context   (fails, and says why)"
    if "$rollout" version --kubeconfig "$work/kubeconfig" --context "$context"; then
        echo "unexpected success" >&2; exit 1
    else
        echo "(exit code $?)"
    fi
done

step "KubeSim, the local cluster: rollout sim (HTTPS with a CA it generates), with simulated users"
"$rollout" sim --write-kubeconfig "$work/kubesim.kubeconfig" \
    --scenario "$here/manifests/examples/traffic-scenario.yaml" --seed 1 > "$work/sim.out" 2>&1 &
sim_pid=$!
trap 'kill -INT $sim_pid 2>/dev/null; exec {server_in}>&- 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q Ctrl-C "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
cat "$work/sim.out"
metrics_url="$(sed -n 's/^Workload metrics at \([^ ]*\) .*/\1/p' "$work/sim.out")"
sim_server="$(sed -n 's/^KubeSim serving at \([^;]*\);.*/\1/p' "$work/sim.out")"
sim_token="$(sed -n 's/^ *token: //p' "$work/kubesim.kubeconfig")"
sed -n 's/^ *certificate-authority-data: //p' "$work/kubesim.kubeconfig" | base64 -d > "$work/kubesim-ca.pem"
"$rollout" version --kubeconfig "$work/kubesim.kubeconfig"

step "A Deployment and a Service, created through the API (curl)"
api() { curl -sS --cacert "$work/kubesim-ca.pem" -H "Authorization: Bearer $sim_token" -H "Content-Type: application/json" "$@"; }
api -X POST "$sim_server/apis/apps/v1/namespaces/default/deployments" -o /dev/null -d '{
  "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
  "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
           "template": {"metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "web:1", "ports": [{"containerPort": 8080}]}]}}}}'
api -X POST "$sim_server/api/v1/namespaces/default/services" -o /dev/null -d '{
  "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}'
sleep 1
echo "ReplicaSets, pods and endpoints made by KubeSim's controllers:"
api "$sim_server/apis/apps/v1/namespaces/default/replicasets" | python3 -c '
import json, sys
for rs in json.load(sys.stdin)["items"]:
    print("  replicaset", rs["metadata"]["name"], "ready", rs["status"].get("readyReplicas", 0), "of", rs["spec"]["replicas"])'
api "$sim_server/api/v1/namespaces/default/pods?labelSelector=app%3Dweb" | python3 -c '
import json, sys
for pod in json.load(sys.stdin)["items"]:
    ready = [c["status"] for c in pod["status"].get("conditions", []) if c["type"] == "Ready"]
    print("  pod", pod["metadata"]["name"], pod["status"].get("podIP", "-"), "Ready=" + (ready[0] if ready else "?"))'
api "$sim_server/api/v1/namespaces/default/endpoints/web" | python3 -c '
import json, sys
subsets = json.load(sys.stdin).get("subsets", [])
print("  endpoints web:", ", ".join(a["ip"] for s in subsets for a in s.get("addresses", [])))'

step "Simulated users at 50 req/s on Service web: the workload metrics (curl $metrics_url.json)"
sleep 2
curl -sS "$metrics_url.json" | python3 -c '
import json, sys
for s in json.load(sys.stdin)["series"]:
    l = s["labels"]; h = s["http_request_duration_seconds"]
    print("  pod %s version %s: requests %s, mean latency %.0f ms, conversions %d" % (
        l["pod"], l["version"], s["http_requests_total"], 1000 * h["sum"] / max(h["count"], 1), s["conversions_total"]))'
echo "and in Prometheus text format (curl $metrics_url):"
curl -sS "$metrics_url" -o "$work/metrics.txt"
grep -m 3 '^http_requests_total' "$work/metrics.txt" | sed 's/^/  /'

step "What this showed"
cat <<'TEXT'
The `rollout` CLI and its libcurl Kubernetes client: kubeconfig contexts, TLS verified
against the kubeconfig's CA, bearer-token auth, and errors that name the server and the
cause. Then KubeSim, the local cluster: an API server with kube-apiserver's semantics and
simulated Deployments, ReplicaSets, pods and Endpoints, over HTTPS that curl verifies
against the CA in the kubeconfig KubeSim wrote; and simulated users whose requests the
pods answer by the scenario file, counted on a Prometheus-format metrics endpoint.
`make demo` puts them together: KubeSim and the controller in one process, walking a canary.
TEXT
