"""manifests/: install.yaml is what `make install-manifests` writes, every object passes
Kubernetes' own schemas, and the controller's objects have the properties a cluster admin
reviews (least-privilege RBAC, two leader-elected replicas, probes, resources, a locked-down
security context)."""
import copy
import subprocess

import kubernetes_validate
import pytest

from conftest import KUBE_VERSIONS, MANIFESTS, ROOT, load_documents, path, yaml_files

# Kinds that are not Kubernetes' own: checked elsewhere (Sluice's kinds by the Swift tests,
# HTTPRoute by the Gateway API's CRD schema in KubeSim's tests).
CUSTOM_KINDS = {"Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun", "HTTPRoute"}


def test_install_yaml_is_current():
    generated = subprocess.check_output([path("scripts", "install-manifests.sh")], text=True)
    with open(path("manifests", "install.yaml"), encoding="utf-8") as handle:
        committed = handle.read()
    assert committed == generated, "manifests/install.yaml is stale: run `make install-manifests`"


def test_install_yaml_holds_the_crds_rbac_and_controller_in_apply_order():
    kinds = [(d["kind"], d["metadata"]["name"]) for d in load_documents(path("manifests", "install.yaml"))]
    assert kinds == [
        ("CustomResourceDefinition", "analysisruns.sluice.dev"),
        ("CustomResourceDefinition", "analysistemplates.sluice.dev"),
        ("CustomResourceDefinition", "clusteranalysistemplates.sluice.dev"),
        ("CustomResourceDefinition", "rollouts.sluice.dev"),
        ("Namespace", "sluice-system"),
        ("ServiceAccount", "sluice-controller"),
        ("ClusterRole", "sluice-controller"),
        ("ClusterRoleBinding", "sluice-controller"),
        ("Role", "sluice-leader-election"),
        ("RoleBinding", "sluice-leader-election"),
        ("Deployment", "sluice-controller"),
        ("Service", "sluice-controller-metrics"),
    ]


def manifest_objects():
    """Every Kubernetes object of a built-in kind under manifests/ (Sluice's kinds and
    HTTPRoutes are checked elsewhere; `rollout sim` scenarios are not objects)."""
    for file_path in yaml_files(MANIFESTS):
        for index, document in enumerate(load_documents(file_path)):
            if "kind" in document and document["kind"] not in CUSTOM_KINDS:
                yield pytest.param(document, id=f"{file_path[len(ROOT) + 1:]}#{index}")


def test_only_known_custom_kinds_and_scenarios_are_left_out():
    for file_path in yaml_files(MANIFESTS):
        for document in load_documents(file_path):
            if "kind" not in document:
                assert "entryPoints" in document, f"{file_path}: neither a Kubernetes object nor a scenario"
    assert len(list(manifest_objects())) >= 12


@pytest.mark.parametrize("version", KUBE_VERSIONS)
@pytest.mark.parametrize("document", list(manifest_objects()))
def test_every_manifest_object_passes_kubernetes_schemas(document, version):
    kubernetes_validate.validate(document, version, strict=True)


def test_the_schema_check_can_fail():
    deployment = copy.deepcopy(load_documents(path("manifests", "controller", "deployment.yaml"))[0])
    deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFileSystem"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSIONS[-1], strict=True)


def rules_of(file_path, kind):
    (role,) = [d for d in load_documents(file_path) if d["kind"] == kind]
    return role["rules"]


def test_the_namespaced_role_has_the_cluster_roles_rules():
    cluster = rules_of(path("manifests", "rbac", "cluster-role.yaml"), "ClusterRole")
    namespaced = rules_of(path("manifests", "rbac", "namespaced", "role.yaml"), "Role")
    # Cluster-scoped kinds cannot be granted by a Role (a namespaced controller reads none).
    cluster_scoped = {"clusteranalysistemplates"}
    assert namespaced == [rule for rule in cluster if not cluster_scoped & set(rule["resources"])]
    (role,) = load_documents(path("manifests", "rbac", "namespaced", "role.yaml"))
    assert "namespace" not in role["metadata"], "the Role goes into whatever namespace `kubectl apply -n` names"
    (binding,) = load_documents(path("manifests", "rbac", "namespaced", "role-binding.yaml"))
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "sluice-controller", "namespace": "sluice-system"}]


def test_the_cluster_role_grants_no_wildcards_secrets_or_pods():
    for rule in rules_of(path("manifests", "rbac", "cluster-role.yaml"), "ClusterRole"):
        assert "*" not in rule["verbs"] and "*" not in rule["resources"] and "*" not in rule["apiGroups"]
        assert not {"secrets", "pods", "configmaps", "deployments"} & set(rule["resources"])
        assert not {"escalate", "bind", "impersonate", "deletecollection"} & set(rule["verbs"])


def test_every_cluster_role_rule_is_justified_by_a_comment():
    with open(path("manifests", "rbac", "cluster-role.yaml"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    rule_starts = [index for index, line in enumerate(lines) if line.startswith("- apiGroups:")]
    assert len(rule_starts) == len(rules_of(path("manifests", "rbac", "cluster-role.yaml"), "ClusterRole"))
    for index in rule_starts:
        assert lines[index - 1].startswith("#"), f"rule at line {index + 1} has no comment"


def controller_container():
    (deployment,) = load_documents(path("manifests", "controller", "deployment.yaml"))
    return deployment, deployment["spec"]["template"]["spec"]["containers"][0]


def test_the_controller_runs_two_leader_elected_replicas_with_probes_on_the_metrics_port():
    deployment, container = controller_container()
    assert deployment["spec"]["replicas"] == 2
    args = container["args"]
    assert "--leader-elect" in args
    assert "--leader-election-namespace=sluice-system" in args
    assert "--metrics-addr=:8080" in args
    assert container["ports"] == [{"name": "metrics", "containerPort": 8080, "protocol": "TCP"}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == "sluice-controller"


def test_the_controllers_flags_are_flags_rolloutd_has(binaries):
    _, container = controller_container()
    help_text = subprocess.run([binaries["rolloutd"], "--help"], capture_output=True, text=True, check=True).stdout
    for argument in container["args"]:
        flag = argument.split("=", 1)[0]
        assert flag in help_text, f"rolloutd has no flag {flag}"


def test_the_controller_is_locked_down():
    deployment, container = controller_container()
    pod = deployment["spec"]["template"]["spec"]["securityContext"]
    assert pod["runAsNonRoot"] is True and pod["seccompProfile"] == {"type": "RuntimeDefault"}
    security = container["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}


def test_resources_match_the_benchmark_figures():
    _, container = controller_container()
    # README, Benchmarks: about 100-200 MiB resident at 200-500 Rollouts.
    assert container["resources"]["requests"] == {"cpu": "100m", "memory": "128Mi"}
    assert container["resources"]["limits"] == {"cpu": "1", "memory": "256Mi"}


def test_the_metrics_service_selects_the_controller_pods():
    deployment, _ = controller_container()
    (service,) = load_documents(path("manifests", "controller", "metrics-service.yaml"))
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == "metrics"
