"""rolloutd, run as a user would run it (the built binary, --leader-elect, a kubeconfig) on
KubeSim (`rollout sim`), through a Rollout's life: first version, canary to a pause, abort,
retry, promote, old revision collected, an invalid spec, a blue-green switch, shutdown.

Every API request it makes (its debug log names each one) must be allowed by the RBAC in
manifests/rbac, and every permission granted there must have been used: the roles are
exactly what the controller needs. Its /metrics, scraped at the end, must expose every
metric the Grafana dashboard in the chart queries."""
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from kubernetes import client, config

from conftest import load_documents, path

NAMESPACE = "shop"
CONTROLLER_NAMESPACE = "sluice-system"
LEASE = "sluice-controller"
# Granted but never requested: the API server checks it when the controller creates a
# ReplicaSet whose ownerReference to its Rollout has blockOwnerDeletion (admission plugin
# OwnerReferencesPermissionEnforcement); KubeSim does not enforce it.
GRANTED_FOR_ADMISSION = {("sluice.dev", "rollouts/finalizers", "update")}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
            if last:
                return last
        except client.exceptions.ApiException as error:
            last = error
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last: {last})")


class Cluster:
    """The Python `kubernetes` client on KubeSim, with the few writes the scenario needs."""

    def __init__(self, kubeconfig):
        self.api = config.new_client_from_config(config_file=kubeconfig)
        self.core = client.CoreV1Api(self.api)
        self.custom = client.CustomObjectsApi(self.api)

    def install_crds(self):
        extensions = client.ApiextensionsV1Api(self.api)
        for file_name in sorted(os.listdir(path("manifests", "crds"))):
            for crd in load_documents(path("manifests", "crds", file_name)):
                extensions.create_custom_resource_definition(crd)
        wait_for(lambda: self.custom.list_cluster_custom_object("sluice.dev", "v1alpha1", "rollouts") is not None,
                 what="the Rollout CRD to be served")

    def namespace(self, name):
        self.core.create_namespace({"metadata": {"name": name}})

    def service(self, name):
        self.core.create_namespaced_service(NAMESPACE, {
            "metadata": {"name": name},
            "spec": {"selector": {"app": name.split("-")[0]}, "ports": [{"port": 80, "targetPort": 8080}]}})

    def http_route(self, name, stable, canary):
        self.custom.create_namespaced_custom_object("gateway.networking.k8s.io", "v1", NAMESPACE, "httproutes", {
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": name},
            "spec": {"parentRefs": [{"name": "gateway"}], "rules": [{"backendRefs": [
                {"name": stable, "port": 80, "weight": 100}, {"name": canary, "port": 80, "weight": 0}]}]}})

    def analysis_template(self, name):
        """A template whose only metric keeps erroring (nothing listens on port 1) but never
        often enough to decide: its runs stay Running until the controller stops them."""
        self.custom.create_namespaced_custom_object("sluice.dev", "v1alpha1", NAMESPACE, "analysistemplates", {
            "apiVersion": "sluice.dev/v1alpha1", "kind": "AnalysisTemplate", "metadata": {"name": name},
            "spec": {"metrics": [{
                "name": "probe", "interval": "30s", "consecutiveErrorLimit": 100, "successCondition": "result == 1",
                "provider": {"web": {"url": "http://127.0.0.1:1/health", "jsonPath": "$.ok"}},
            }]},
        })

    def analysis_runs(self):
        return self.custom.list_namespaced_custom_object("sluice.dev", "v1alpha1", NAMESPACE, "analysisruns")["items"]

    def create_rollout(self, body):
        self.custom.create_namespaced_custom_object("sluice.dev", "v1alpha1", NAMESPACE, "rollouts", body)

    def rollout(self, name):
        return self.custom.get_namespaced_custom_object("sluice.dev", "v1alpha1", NAMESPACE, "rollouts", name)

    def status(self, name):
        return self.rollout(name).get("status") or {}

    def patch_spec(self, name, patch):
        self.custom.patch_namespaced_custom_object("sluice.dev", "v1alpha1", NAMESPACE, "rollouts", name, patch)

    def patch_status(self, name, patch):
        self.custom.patch_namespaced_custom_object_status("sluice.dev", "v1alpha1", NAMESPACE, "rollouts", name,
                                                          {"status": patch})

    def replica_sets(self, app):
        return client.AppsV1Api(self.api).list_namespaced_replica_set(NAMESPACE, label_selector=f"app={app}").items


def rollout_body(name, strategy, image="web:1"):
    return {
        "apiVersion": "sluice.dev/v1alpha1", "kind": "Rollout", "metadata": {"name": name},
        "spec": {
            "replicas": 2, "revisionHistoryLimit": 0,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "web", "image": image}]}},
            "strategy": strategy,
        },
    }


def canary_strategy():
    return {"canary": {
        "stableService": "web-stable", "canaryService": "web-canary",
        "trafficRouting": {"gatewayAPI": {"httpRoute": "web"}},
        "scaleDownDelaySeconds": 1, "abortScaleDownDelaySeconds": 1,
        "steps": [{"setWeight": 50}, {"pause": {}}],
        "analysis": {"templates": [{"templateName": "probe"}], "startingStep": 0},
    }}


def run_scenario(cluster):
    """A Rollout's life, through the controller."""
    for name in ("web-stable", "web-canary", "bg-active", "bg-preview"):
        cluster.service(name)
    cluster.http_route("web", "web-stable", "web-canary")
    cluster.analysis_template("probe")

    cluster.create_rollout(rollout_body("web", canary_strategy()))
    wait_for(lambda: cluster.status("web").get("phase") == "Healthy", what="web v1 Healthy")

    cluster.patch_spec("web", {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}}})
    wait_for(lambda: cluster.status("web").get("phase") == "Paused"
             and (cluster.status("web").get("weights") or {}).get("canary") == 50, what="web v2 paused at 50%")

    wait_for(lambda: any((run.get("status") or {}).get("phase") == "Running" for run in cluster.analysis_runs()),
             what="the background analysis run measuring")
    cluster.patch_status("web", {"abort": True})
    wait_for(lambda: cluster.status("web").get("phase") == "Aborted", what="web aborted")
    wait_for(lambda: all(run["spec"].get("terminate") for run in cluster.analysis_runs()), what="the analysis run stopped")

    cluster.patch_status("web", {"abort": False})
    wait_for(lambda: cluster.status("web").get("phase") == "Paused", what="web retried, paused again")

    cluster.patch_status("web", {"pauseStartTime": None})
    wait_for(lambda: cluster.status("web").get("phase") == "Healthy", what="web v2 promoted")
    wait_for(lambda: len(cluster.replica_sets("web")) == 1, what="the old revision deleted")

    bad = rollout_body("bad", canary_strategy())
    bad["spec"]["strategy"]["canary"]["steps"] = [{"setWeight": 140}]
    cluster.create_rollout(bad)
    wait_for(lambda: any(c.get("type") == "InvalidSpec" for c in cluster.status("bad").get("conditions", [])),
             what="bad reported InvalidSpec")

    cluster.create_rollout(rollout_body("bg", {"blueGreen": {"activeService": "bg-active", "previewService": "bg-preview"}}))
    wait_for(lambda: cluster.status("bg").get("phase") == "Healthy", what="bg Healthy")
    wait_for(lambda: (cluster.core.read_namespaced_service("bg-active", NAMESPACE).spec.selector or {}).get(
        "rollouts-pod-template-hash"), what="bg-active selecting its pods by hash")


REQUEST = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/\S*) -> (\d+)")
WATCH = re.compile(r"^watch (/\S*) opened")


def parse_path(url_path):
    """(group, resource[/subresource], namespace or None, name or None) of an API path; None
    for non-resource paths (discovery, /version)."""
    parts = [p for p in url_path.split("?")[0].split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 2:
        group, rest = "", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group, rest = parts[1], parts[3:]
    else:
        return None
    if not rest:
        return None
    namespace = None
    if rest[0] == "namespaces" and len(rest) >= 3:
        namespace, rest = rest[1], rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) >= 2 else None
    if len(rest) >= 3:
        resource += "/" + rest[2]
    return group, resource, namespace, name


def requests_in(log_lines):
    """Every API request the controller made, as (verb, group, resource, namespace, name)."""
    found = set()
    for line in log_lines:
        try:
            message = json.loads(line).get("msg", "")
        except json.JSONDecodeError:
            continue
        if match := WATCH.match(message):
            parsed = parse_path(match.group(1))
            if parsed:
                found.add(("watch",) + parsed)
            continue
        match = REQUEST.match(message)
        if not match or not (parsed := parse_path(match.group(2))):
            continue
        method, (_, _, _, name) = match.group(1), parsed
        verb = {"GET": "get" if name else "list", "POST": "create", "PUT": "update", "PATCH": "patch",
                "DELETE": "delete" if name else "deletecollection"}[method]
        found.add((verb,) + parsed)
    return found


def roles_for(mode):
    """(rules, namespace they hold in or None for every namespace) the ServiceAccount has."""
    if mode == "cluster":
        (cluster_role,) = load_documents(path("manifests", "rbac", "cluster-role.yaml"))
        granted = [(cluster_role["rules"], None)]
    else:
        (role,) = load_documents(path("manifests", "rbac", "namespaced", "role.yaml"))
        granted = [(role["rules"], NAMESPACE)]
    election = [d for d in load_documents(path("manifests", "rbac", "leader-election-role.yaml")) if d["kind"] == "Role"]
    return granted + [(election[0]["rules"], election[0]["metadata"]["namespace"])]


def allowed(request, roles):
    verb, group, resource, namespace, name = request
    for rules, role_namespace in roles:
        if role_namespace is not None and namespace != role_namespace:
            continue
        for rule in rules:
            if group in rule["apiGroups"] and resource in rule["resources"] and verb in rule["verbs"] \
                    and (not rule.get("resourceNames") or name in rule["resourceNames"]):
                return True
    return False


@pytest.fixture(scope="module")
def cluster_run(binaries):
    """rolloutd watching every namespace (the ClusterRole)."""
    yield from run_controller("cluster", binaries)


@pytest.fixture(scope="module")
def namespaced_run(binaries):
    """rolloutd --namespace shop (the namespaced Role)."""
    yield from run_controller("namespaced", binaries)


@pytest.fixture(params=["cluster_run", "namespaced_run"])
def controller_run(request):
    return request.getfixturevalue(request.param)


def run_controller(mode, binaries):
    """Runs the scenario under rolloutd in one mode; yields its API requests and /metrics."""
    directory = tempfile.mkdtemp(prefix=f"sluice-install-{mode}-")
    kubeconfig = os.path.join(directory, "kubeconfig")
    sim = subprocess.Popen([binaries["rollout"], "sim", "--write-kubeconfig", kubeconfig],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    controller = None
    log_path = os.path.join(directory, "rolloutd.log")
    try:
        line = sim.stdout.readline()
        assert "serving" in line, "rollout sim did not start: " + line
        cluster = Cluster(kubeconfig)
        cluster.install_crds()
        cluster.namespace(NAMESPACE)
        cluster.namespace(CONTROLLER_NAMESPACE)
        port = free_port()
        # The Deployment's arguments (manifests/controller/deployment.yaml), with a kubeconfig
        # for KubeSim in place of the pod's service account, and debug logs naming each request.
        arguments = [binaries["rolloutd"], f"--kubeconfig={kubeconfig}", "--leader-elect",
                     f"--leader-election-namespace={CONTROLLER_NAMESPACE}", f"--leader-election-id={LEASE}",
                     f"--metrics-addr=127.0.0.1:{port}", "--log-format=json", "--log-level=debug", "--workers=4"]
        if mode == "namespaced":
            arguments.append(f"--namespace={NAMESPACE}")
        with open(log_path, "w", encoding="utf-8") as log:
            controller = subprocess.Popen(arguments, stdout=log, stderr=log)
        run_scenario(cluster)
        metrics = wait_for(lambda: scrape(port), what="/metrics with every family")
        controller.send_signal(signal.SIGTERM)
        assert controller.wait(timeout=30) == 0
        with open(log_path, encoding="utf-8") as log:
            lines = log.read().splitlines()
        yield {"mode": mode, "requests": requests_in(lines), "metrics": metrics}
    finally:
        if controller and controller.poll() is None:
            controller.kill()
        sim.send_signal(signal.SIGINT)
        try:
            sim.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sim.kill()


def scrape(port):
    """The /metrics text, once the reconcile histogram and the API counter have samples."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    needed = ("sluice_reconcile_duration_seconds_bucket", "sluice_api_requests_total", "sluice_rollouts{",
              "sluice_rollout_canary_weight{", "sluice_workqueue_depth", "sluice_analysis_runs{")
    return text if all(name in text for name in needed) else None


def test_every_request_the_controller_makes_is_allowed(controller_run):
    roles = roles_for(controller_run["mode"])
    denied = sorted(r for r in controller_run["requests"] if not allowed(r, roles))
    assert denied == [], f"requests the {controller_run['mode']} RBAC would deny"
    assert len(controller_run["requests"]) > 10


def test_every_permission_granted_is_used(controller_run):
    used = {(group, resource, verb) for verb, group, resource, _, _ in controller_run["requests"]}
    for rules, _ in roles_for(controller_run["mode"]):
        for rule in rules:
            for group in rule["apiGroups"]:
                for resource in rule["resources"]:
                    for verb in rule["verbs"]:
                        if (group, resource, verb) in GRANTED_FOR_ADMISSION:
                            continue
                        assert (group, resource, verb) in used, f"granted but never used: {verb} {group}/{resource}"


def test_a_namespaced_controller_stays_in_its_namespaces(namespaced_run):
    namespaces = {namespace for _, _, _, namespace, _ in namespaced_run["requests"]}
    assert namespaces == {NAMESPACE, CONTROLLER_NAMESPACE}


def test_the_rbac_check_can_fail():
    roles = roles_for("cluster")
    assert not allowed(("get", "", "secrets", NAMESPACE, "token"), roles)
    assert not allowed(("update", "sluice.dev", "rollouts", NAMESPACE, "web"), roles)
    assert not allowed(("update", "coordination.k8s.io", "leases", CONTROLLER_NAMESPACE, "someone-else"), roles)
    assert not allowed(("create", "coordination.k8s.io", "leases", NAMESPACE, None), roles)
    assert allowed(("patch", "sluice.dev", "rollouts/status", NAMESPACE, "web"), roles)


# PromQL words that are not metric names.
PROMQL_WORDS = {"sum", "max", "min", "avg", "count", "by", "without", "rate", "irate", "increase", "histogram_quantile",
                "abs", "scalar", "label_values", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
                "offset"}


def dashboard_metric_names():
    with open(path("charts", "sluice", "dashboards", "sluice.json"), encoding="utf-8") as handle:
        dashboard = json.load(handle)
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    queries += [variable["query"]["query"] for variable in dashboard["templating"]["list"] if variable["type"] == "query"]
    names = set()
    for query in queries:
        without_labels = re.sub(r"\{[^}]*\}", "{}", query)
        without_labels = re.sub(r"\b(by|without)\s*\([^)]*\)", "", without_labels)
        without_labels = re.sub(r"\[[^\]]*\]", "", without_labels)
        for word in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_labels):
            if word not in PROMQL_WORDS and not word.startswith("$"):
                names.add(word)
    # label_values(metric, label): the label is not a metric.
    for query in queries:
        for _, label in re.findall(r"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_]+)\s*\)", query):
            names.discard(label)
    return names, queries


def exposed_names(metrics_text):
    return {line.split("{")[0].split(" ")[0] for line in metrics_text.splitlines() if line and not line.startswith("#")}


def test_the_dashboard_queries_only_metrics_the_controller_exposes(cluster_run):
    names, queries = dashboard_metric_names()
    assert queries, "the dashboard has no queries"
    missing = names - exposed_names(cluster_run["metrics"])
    assert missing == set(), f"the dashboard queries metrics /metrics does not expose: {sorted(missing)}"
    # The panels the dashboard promises.
    for family in ("sluice_rollouts", "sluice_rollout_canary_weight", "sluice_reconcile_duration_seconds_bucket",
                   "sluice_api_requests_total", "sluice_analysis_runs"):
        assert family in names


def test_the_dashboard_check_can_fail():
    assert "up" not in exposed_names("sluice_rollouts{phase=\"Healthy\"} 1\n")
    names, _ = dashboard_metric_names()
    assert "phase" not in names and "le" not in names and "job" not in names
