"""charts/sluice: rendered and linted with Helm's own Go SDK (helm-python-sdk: a shared
library, no helm binary), for the default values and non-default sets; the objects pass
Kubernetes' schemas and agree with manifests/; bad values fail with the schema's message."""
import filecmp
import json
import os

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from conftest import CHART, KUBE_VERSIONS, load_documents, path

RELEASE = {"name": "sluice", "namespace": "sluice-system"}

VALUE_SETS = {
    "defaults": {},
    "one-namespace": {"watchNamespace": "shop", "log": {"format": "text", "level": "debug"}},
    "single-replica-no-election": {"replicas": 1, "leaderElection": {"enabled": False}},
    "analysis-providers": {"watchNamespace": "shop",
                           "rbac": {"analysisProviders": {"secretNames": ["prometheus-token"], "jobs": True}}},
    "monitoring": {
        "metrics": {"port": 9090, "service": {"enabled": True, "port": 9090},
                    "serviceMonitor": {"enabled": True, "interval": "15s", "labels": {"release": "kube-prometheus"}},
                    "podMonitor": {"enabled": True}},
        "grafanaDashboard": {"enabled": True},
    },
    "scheduling-and-extras": {
        "image": {"repository": "registry.example/sluice/rolloutd", "tag": "v0.1.1", "pullPolicy": "Always"},
        "imagePullSecrets": [{"name": "registry"}],
        "extraArgs": ["--kubeconfig=/etc/sluice/kubeconfig"],
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "platform", "effect": "NoSchedule"}],
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
            "weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                               "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "sluice"}}}}]}},
        "resources": {"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        "podAnnotations": {"example.com/team": "platform"},
        "priorityClassName": "system-cluster-critical",
        "serviceAccount": {"create": False, "name": "existing-sa"},
    },
}


@pytest.fixture(scope="module")
def chart():
    with helm.Chart.load(CHART) as loaded:
        yield loaded


def render(chart, values):
    """The rendered objects, and NOTES.txt."""
    rendered = chart.render(values, is_install=True, **RELEASE)
    objects, notes = [], ""
    for name, text in sorted(rendered.items()):
        if name.endswith("NOTES.txt"):
            notes = text
            continue
        objects += [document for document in yaml.safe_load_all(text) if document]
    return objects, notes


def by_kind(objects, kind):
    return [o for o in objects if o["kind"] == kind]


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_lint_finds_nothing_above_info(values):
    report = helm.lint(CHART, values, strict=True, namespace=RELEASE["namespace"])
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("version", KUBE_VERSIONS)
@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_rendered_objects_pass_kubernetes_schemas(chart, values, version):
    objects, _ = render(chart, values)
    assert by_kind(objects, "Deployment")
    for obj in objects:
        if obj["apiVersion"].startswith("monitoring.coreos.com/"):
            continue  # Prometheus Operator kinds: checked in test_monitors
        kubernetes_validate.validate(obj, version, strict=True)


def test_default_render_agrees_with_manifests(chart):
    objects, _ = render(chart, {})
    (deployment,) = by_kind(objects, "Deployment")
    (manifest,) = load_documents(path("manifests", "controller", "deployment.yaml"))
    assert deployment["metadata"]["name"] == manifest["metadata"]["name"]
    assert deployment["spec"]["replicas"] == manifest["spec"]["replicas"]
    ours, theirs = deployment["spec"]["template"]["spec"], manifest["spec"]["template"]["spec"]
    for key in ("securityContext", "terminationGracePeriodSeconds"):
        assert ours[key] == theirs[key], key
    (container,), (expected,) = ours["containers"], theirs["containers"]
    for key in ("name", "args", "ports", "livenessProbe", "readinessProbe", "resources", "securityContext", "image"):
        assert container[key] == expected[key], key

    (cluster_role,) = by_kind(objects, "ClusterRole")
    (manifest_role,) = [d for d in load_documents(path("manifests", "rbac", "cluster-role.yaml"))]
    assert cluster_role["rules"] == manifest_role["rules"]
    (binding,) = by_kind(objects, "ClusterRoleBinding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "sluice-controller", "namespace": "sluice-system"}]

    election_role = [r for r in by_kind(objects, "Role") if r["metadata"]["name"].endswith("leader-election")]
    manifest_election = [d for d in load_documents(path("manifests", "rbac", "leader-election-role.yaml")) if d["kind"] == "Role"]
    assert election_role[0]["rules"] == manifest_election[0]["rules"]
    assert election_role[0]["metadata"]["namespace"] == "sluice-system"

    (service,) = by_kind(objects, "Service")
    (manifest_service,) = load_documents(path("manifests", "controller", "metrics-service.yaml"))
    assert service["metadata"]["name"] == manifest_service["metadata"]["name"]
    assert service["spec"]["ports"] == manifest_service["spec"]["ports"]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]


def analysis_provider_rules(rules):
    return [r for r in rules if r["apiGroups"] in ([""], ["batch"]) and set(r["resources"]) & {"secrets", "jobs"}]


def test_analysis_provider_grants_are_off_by_default_and_exact_when_asked(chart):
    """Secrets and Jobs are granted only when the values ask, and then only what the
    Secret reader (get, by name) and the Job provider (create, get, delete) use."""
    for values in (VALUE_SETS["defaults"], VALUE_SETS["one-namespace"]):
        objects, _ = render(chart, values)
        for role in by_kind(objects, "ClusterRole") + by_kind(objects, "Role"):
            assert analysis_provider_rules(role["rules"]) == [], role["metadata"]["name"]
    for values in (VALUE_SETS["analysis-providers"],
                   {"rbac": {"analysisProviders": {"secretNames": ["prometheus-token"], "jobs": True}}}):
        objects, _ = render(chart, values)
        (role,) = [r for r in by_kind(objects, "ClusterRole") + by_kind(objects, "Role")
                   if any(rule["resources"] == ["rollouts"] for rule in r["rules"])]
        assert analysis_provider_rules(role["rules"]) == [
            {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["prometheus-token"], "verbs": ["get"]},
            {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create", "get", "delete"]},
        ]


def test_one_watched_namespace_gets_a_role_there_and_the_flag(chart):
    objects, notes = render(chart, VALUE_SETS["one-namespace"])
    assert by_kind(objects, "ClusterRole") == [] and by_kind(objects, "ClusterRoleBinding") == []
    (role,) = [r for r in by_kind(objects, "Role") if r["metadata"]["namespace"] == "shop"]
    (manifest_role,) = load_documents(path("manifests", "rbac", "namespaced", "role.yaml"))
    assert role["rules"] == manifest_role["rules"]
    (binding,) = [b for b in by_kind(objects, "RoleBinding") if b["metadata"]["namespace"] == "shop"]
    assert binding["subjects"][0]["namespace"] == "sluice-system"
    (deployment,) = by_kind(objects, "Deployment")
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--namespace=shop" in args and "--log-format=text" in args and "--log-level=debug" in args
    assert "rollout status my-app -n shop" in notes


def test_without_leader_election_there_is_no_lease_role_nor_flag(chart):
    objects, _ = render(chart, VALUE_SETS["single-replica-no-election"])
    (deployment,) = by_kind(objects, "Deployment")
    assert deployment["spec"]["replicas"] == 1
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    assert not [a for a in args if a.startswith("--leader-elect")]
    assert [r for r in by_kind(objects, "Role") if "leader" in r["metadata"]["name"]] == []


def test_monitors_dashboard_and_ports(chart):
    objects, _ = render(chart, VALUE_SETS["monitoring"])
    (deployment,) = by_kind(objects, "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert "--metrics-addr=:9090" in container["args"]
    assert container["ports"][0]["containerPort"] == 9090
    (service_monitor,) = by_kind(objects, "ServiceMonitor")
    assert service_monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert service_monitor["metadata"]["labels"]["release"] == "kube-prometheus"
    assert service_monitor["spec"]["endpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "15s"}]
    assert service_monitor["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
    (pod_monitor,) = by_kind(objects, "PodMonitor")
    assert pod_monitor["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"
    assert pod_monitor["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
    (dashboard,) = by_kind(objects, "ConfigMap")
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    with open(os.path.join(CHART, "dashboards", "sluice.json"), encoding="utf-8") as handle:
        assert json.loads(dashboard["data"]["sluice.json"]) == json.load(handle)


def test_scheduling_image_and_extra_args(chart):
    values = VALUE_SETS["scheduling-and-extras"]
    objects, _ = render(chart, values)
    assert by_kind(objects, "ServiceAccount") == []
    (deployment,) = by_kind(objects, "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "registry.example/sluice/rolloutd:v0.1.1"
    assert container["imagePullPolicy"] == "Always"
    assert container["args"][-1] == "--kubeconfig=/etc/sluice/kubeconfig"
    # Helm merges maps with the defaults: the CPU limit stays unless set to null.
    assert container["resources"] == {"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}}
    for key in ("nodeSelector", "tolerations", "affinity", "imagePullSecrets", "priorityClassName"):
        assert pod[key] == values[key], key
    assert pod["serviceAccountName"] == "existing-sa"
    assert deployment["spec"]["template"]["metadata"]["annotations"] == values["podAnnotations"]


def test_the_chart_crds_are_the_generated_ones():
    generated = sorted(os.listdir(path("manifests", "crds")))
    assert sorted(os.listdir(path("charts", "sluice", "crds"))) == generated
    for name in generated:
        assert filecmp.cmp(path("manifests", "crds", name), path("charts", "sluice", "crds", name), shallow=False), \
            f"charts/sluice/crds/{name} differs from manifests/crds: run `make crds`"


def test_the_chart_ships_its_crds(chart):
    assert sorted(c["name"] for c in chart.crds) == sorted(f"crds/{n}" for n in os.listdir(path("manifests", "crds")))


def test_notes_tell_how_to_follow_a_rollout(chart):
    _, notes = render(chart, {})
    assert "rollout status my-app -n my-namespace" in notes
    assert "get lease sluice-controller" in notes


BAD_VALUES = {
    "replicas-as-text": ({"replicas": "two"}, "at '/replicas': got string, want integer"),
    "unknown-log-format": ({"log": {"format": "xml"}}, "at '/log/format': value must be one of 'text', 'json'"),
    "unknown-key": ({"replica": 3}, "additional properties 'replica' not allowed"),
    "two-replicas-without-election": ({"replicas": 2, "leaderElection": {"enabled": False}},
                                      "at '/leaderElection/enabled': value must be true"),
    "bad-namespace": ({"watchNamespace": "Shop_1"}, "at '/watchNamespace': 'Shop_1' does not match pattern"),
    "port-out-of-range": ({"metrics": {"port": 70000}}, "at '/metrics/port': maximum: got 70,000, want 65,535"),
    "bad-quantity": ({"resources": {"limits": {"memory": "lots"}}}, "at '/resources/limits/memory': 'lots' does not match pattern"),
    "arg-without-dashes": ({"extraArgs": ["kubeconfig=/x"]}, "at '/extraArgs/0': 'kubeconfig=/x' does not match pattern"),
    "jobs-as-text": ({"rbac": {"analysisProviders": {"jobs": "yes"}}},
                     "at '/rbac/analysisProviders/jobs': got string, want boolean"),
    "bad-secret-name": ({"rbac": {"analysisProviders": {"secretNames": ["Token_1"]}}},
                        "at '/rbac/analysisProviders/secretNames/0': 'Token_1' does not match pattern"),
}


@pytest.mark.parametrize("values,message", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_bad_values_fail_with_the_schema_message(chart, values, message):
    with pytest.raises(helm.HelmValuesError) as failure:
        chart.render(values, **RELEASE)
    assert message in str(failure.value)
    report = helm.lint(CHART, values)
    assert any(message in error for error in report["errors"])


def test_a_bad_values_file_fails_like_helm_install_f(chart, tmp_path):
    values_file = tmp_path / "values.yaml"
    values_file.write_text("log:\n  level: verbose\n")
    values = helm.values_from_yaml(values_file.read_text())
    with pytest.raises(helm.HelmValuesError) as failure:
        chart.render(values, **RELEASE)
    assert "at '/log/level': value must be one of" in str(failure.value)


def test_extra_args_may_not_repeat_the_charts_flags(chart):
    with pytest.raises(helm.HelmRenderError) as failure:
        chart.render({"extraArgs": ["--namespace=shop"]}, **RELEASE)
    assert "extraArgs: --namespace is set by the chart; use its value instead" in str(failure.value)


def test_a_service_monitor_needs_the_service(chart):
    with pytest.raises(helm.HelmRenderError) as failure:
        chart.render({"metrics": {"service": {"enabled": False}, "serviceMonitor": {"enabled": True}}}, **RELEASE)
    assert "metrics.serviceMonitor.enabled needs metrics.service.enabled" in str(failure.value)
