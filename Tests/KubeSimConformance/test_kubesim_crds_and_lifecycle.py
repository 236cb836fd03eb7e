"""KubeSim's CustomResourceDefinitions, namespace lifecycle, dry runs and restarts, checked
with the official Python `kubernetes` client."""
import os
import signal
import subprocess
import tempfile
import time

import pytest
from kubernetes import client, config
from kubernetes.client.rest import ApiException

from conftest import _rollout_binary

GROUP = "conformance.kubesim.dev"


def wait_for(predicate, timeout=20.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met within %ss" % timeout)


def condition(crd, kind):
    for item in (crd.status.conditions or []) if crd.status else []:
        if item.type == kind:
            return item.status
    return None


@pytest.fixture
def gadget_crd(api_client):
    """A namespaced CRD `gadgets.conformance.kubesim.dev` with status and scale, deleted after the test."""
    extensions = client.ApiextensionsV1Api(api_client)
    schema = client.V1JSONSchemaProps(type="object", x_kubernetes_preserve_unknown_fields=True)
    version = client.V1CustomResourceDefinitionVersion(
        name="v1", served=True, storage=True,
        schema=client.V1CustomResourceValidation(open_apiv3_schema=schema),
        subresources=client.V1CustomResourceSubresources(
            status={},
            scale=client.V1CustomResourceSubresourceScale(spec_replicas_path=".spec.replicas",
                                                          status_replicas_path=".status.replicas")),
        additional_printer_columns=[client.V1CustomResourceColumnDefinition(
            name="Replicas", type="integer", json_path=".spec.replicas")])
    body = client.V1CustomResourceDefinition(
        metadata=client.V1ObjectMeta(name="gadgets." + GROUP),
        spec=client.V1CustomResourceDefinitionSpec(
            group=GROUP, scope="Namespaced", versions=[version],
            names=client.V1CustomResourceDefinitionNames(plural="gadgets", singular="gadget", kind="Gadget",
                                                         short_names=["gd"])))
    extensions.create_custom_resource_definition(body)
    wait_for(lambda: condition(extensions.read_custom_resource_definition("gadgets." + GROUP), "Established") == "True")
    yield "gadgets"
    try:
        extensions.delete_custom_resource_definition("gadgets." + GROUP)
    except ApiException as error:
        if error.status != 404:
            raise
    wait_for(lambda: crd_gone(extensions))


def crd_gone(extensions):
    """Deletion finishes in the background (custom objects go first), as in kube."""
    try:
        extensions.read_custom_resource_definition("gadgets." + GROUP)
        return False
    except ApiException as error:
        return error.status == 404


def gadget(name, replicas=1):
    return {"apiVersion": GROUP + "/v1", "kind": "Gadget", "metadata": {"name": name}, "spec": {"replicas": replicas}}


def test_custom_resource_crud_through_a_crd(api_client, namespace, gadget_crd):
    extensions = client.ApiextensionsV1Api(api_client)
    crd = extensions.read_custom_resource_definition("gadgets." + GROUP)
    assert condition(crd, "NamesAccepted") == "True"
    assert crd.status.accepted_names.kind == "Gadget"
    resources = client.CustomObjectsApi(api_client).get_api_resources(GROUP, "v1").resources
    assert {"gadgets", "gadgets/status", "gadgets/scale"} <= {r.name for r in resources}

    custom = client.CustomObjectsApi(api_client)
    created = custom.create_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", gadget("g1"))
    assert created["metadata"]["generation"] == 1
    assert created["metadata"]["uid"]
    got = custom.get_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", "g1")
    assert got["spec"]["replicas"] == 1
    custom.create_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", gadget("g2"))
    listed = custom.list_namespaced_custom_object(GROUP, "v1", namespace, "gadgets")
    assert [item["metadata"]["name"] for item in listed["items"]] == ["g1", "g2"]
    assert listed["kind"] == "GadgetList"
    assert listed["metadata"]["resourceVersion"]

    patched = custom.patch_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", "g1",
                                                    {"spec": {"replicas": 3, "color": "red"}})
    assert patched["spec"] == {"replicas": 3, "color": "red"}
    assert patched["metadata"]["generation"] == 2

    patched["status"] = {"replicas": 3, "phase": "Ready"}
    updated = custom.replace_namespaced_custom_object_status(GROUP, "v1", namespace, "gadgets", "g1", patched)
    assert updated["status"] == {"replicas": 3, "phase": "Ready"}
    assert updated["metadata"]["generation"] == 2
    scale = custom.get_namespaced_custom_object_scale(GROUP, "v1", namespace, "gadgets", "g1")
    assert scale["spec"]["replicas"] == 3 and scale["status"]["replicas"] == 3

    custom.delete_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", "g1")
    with pytest.raises(ApiException) as missing:
        custom.get_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", "g1")
    assert missing.value.status == 404


def test_strategic_merge_patch_on_a_custom_resource_is_415(api_client, namespace, gadget_crd):
    custom = client.CustomObjectsApi(api_client)
    custom.create_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", gadget("smp"))
    with pytest.raises(ApiException) as error:
        custom.patch_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", "smp", {"spec": {"replicas": 2}},
                                              _content_type="application/strategic-merge-patch+json")
    assert error.value.status == 415
    assert "strategic-merge-patch" not in error.value.body.split("include:")[1]


def test_deleting_the_crd_removes_its_objects(api_client, namespace, gadget_crd):
    custom = client.CustomObjectsApi(api_client)
    custom.create_namespaced_custom_object(GROUP, "v1", namespace, "gadgets", gadget("doomed"))
    client.ApiextensionsV1Api(api_client).delete_custom_resource_definition("gadgets." + GROUP)

    def gone():
        try:
            custom.list_namespaced_custom_object(GROUP, "v1", namespace, "gadgets")
            return False
        except ApiException as error:
            return error.status == 404
    wait_for(gone)
    with pytest.raises(ApiException) as missing:
        client.ApiextensionsV1Api(api_client).read_custom_resource_definition("gadgets." + GROUP)
    assert missing.value.status == 404


def test_invalid_crd_is_422_naming_the_field(api_client):
    extensions = client.ApiextensionsV1Api(api_client)
    body = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "things." + GROUP},
            "spec": {"group": GROUP, "names": {"plural": "things", "kind": "Thing"}, "scope": "Namespaced",
                     "versions": [{"name": "v1", "served": True, "storage": False,
                                   "schema": {"openAPIV3Schema": {"type": "object"}}}]}}
    with pytest.raises(ApiException) as error:
        extensions.create_custom_resource_definition(body)
    assert error.value.status == 422
    assert "spec.versions" in error.value.body
    assert "must have exactly one version marked as storage version" in error.value.body


def test_namespace_deletion_cascades(api_client):
    core = client.CoreV1Api(api_client)
    apps = client.AppsV1Api(api_client)
    name = "doomed-%d" % (time.monotonic_ns() % 10**9)
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    assert core.read_namespace(name).status.phase == "Active"
    core.create_namespaced_config_map(name, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="c"), data={"k": "v"}))
    labels = {"app": "web"}
    apps.create_namespaced_deployment(name, client.V1Deployment(
        metadata=client.V1ObjectMeta(name="web"),
        spec=client.V1DeploymentSpec(
            replicas=2, selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels=labels),
                                              spec=client.V1PodSpec(containers=[client.V1Container(name="web", image="web:1")])))))
    wait_for(lambda: len(core.list_namespaced_pod(name).items) == 2)

    core.delete_namespace(name)
    # Terminating at once or already gone: either way no new content is allowed.
    try:
        assert core.read_namespace(name).status.phase == "Terminating"
    except ApiException as error:
        assert error.status == 404
    with pytest.raises(ApiException) as refused:
        core.create_namespaced_config_map(name, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="late")))
    assert refused.value.status in (403, 404)

    def namespace_gone():
        try:
            core.read_namespace(name)
            return False
        except ApiException as error:
            return error.status == 404
    wait_for(namespace_gone)
    assert core.list_namespaced_config_map(name).items == []
    assert core.list_namespaced_pod(name).items == []
    assert apps.list_namespaced_deployment(name).items == []
    with pytest.raises(ApiException) as missing:
        core.create_namespaced_config_map(name, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="late")))
    assert missing.value.status == 404
    assert 'namespaces \\"%s\\" not found' % name in missing.value.body or 'namespaces "%s" not found' % name in missing.value.body


def test_terminating_namespace_refuses_new_content_with_403(api_client):
    core = client.CoreV1Api(api_client)
    name = "held-%d" % (time.monotonic_ns() % 10**9)
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    core.create_namespaced_config_map(name, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="held", finalizers=["example.com/hold"])))
    core.delete_namespace(name)
    wait_for(lambda: core.read_namespace(name).status.phase == "Terminating")
    with pytest.raises(ApiException) as refused:
        core.create_namespaced_config_map(name, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="late")))
    assert refused.value.status == 403
    assert "because it is being terminated" in refused.value.body
    core.patch_namespaced_config_map("held", name, {"metadata": {"finalizers": None}})

    def namespace_gone():
        try:
            core.read_namespace(name)
            return False
        except ApiException as error:
            return error.status == 404
    wait_for(namespace_gone)


def test_dry_run_create_is_not_persisted(api_client, namespace):
    core = client.CoreV1Api(api_client)
    before = core.list_namespaced_config_map(namespace).metadata.resource_version
    answered = core.create_namespaced_config_map(namespace, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="dry"), data={"k": "v"}), dry_run="All")
    assert answered.metadata.name == "dry" and answered.data == {"k": "v"}
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_config_map("dry", namespace)
    assert missing.value.status == 404
    assert core.list_namespaced_config_map(namespace).items == []
    with pytest.raises(ApiException) as bogus:
        core.create_namespaced_config_map(namespace, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="x")),
                                          dry_run="Bogus")
    assert bogus.value.status == 422
    # Other writers may have moved the global version; this namespace saw no write.
    assert int(core.list_namespaced_config_map(namespace).metadata.resource_version) >= int(before)


def test_list_resource_version_semantics(api_client, namespace):
    core = client.CoreV1Api(api_client)
    first = core.create_namespaced_config_map(namespace, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="a")))
    core.create_namespaced_config_map(namespace, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="b")))
    exact = core.list_namespaced_config_map(namespace, resource_version=first.metadata.resource_version,
                                            resource_version_match="Exact")
    assert [item.metadata.name for item in exact.items] == ["a"]
    assert exact.metadata.resource_version == first.metadata.resource_version
    cached = core.list_namespaced_config_map(namespace, resource_version="0")
    assert sorted(item.metadata.name for item in cached.items) == ["a", "b"]
    with pytest.raises(ApiException) as too_new:
        core.list_namespaced_config_map(namespace, resource_version=str(10**12))
    assert too_new.value.status == 504


def test_state_file_survives_a_restart():
    directory = tempfile.mkdtemp(prefix="kubesim-state-")
    kubeconfig = os.path.join(directory, "kubeconfig")
    state = os.path.join(directory, "state.json")

    def start():
        process = subprocess.Popen([_rollout_binary(), "sim", "--write-kubeconfig", kubeconfig, "--state-file", state],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = process.stdout.readline()
        assert "serving" in line, line + process.stdout.read()
        return process, config.new_client_from_config(config_file=kubeconfig)

    def stop(process):
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0

    process, api = start()
    try:
        core = client.CoreV1Api(api)
        core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="kept")))
        created = core.create_namespaced_config_map("kept", client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="c"), data={"k": "v"}))
    finally:
        stop(process)
    assert oct(os.stat(state).st_mode & 0o777) == "0o600"

    process, api = start()
    try:
        core = client.CoreV1Api(api)
        again = core.read_namespaced_config_map("c", "kept")
        assert again.metadata.uid == created.metadata.uid
        assert again.data == {"k": "v"}
        later = core.create_namespaced_config_map("kept", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="d")))
        assert int(later.metadata.resource_version) > int(created.metadata.resource_version)
        routes = client.CustomObjectsApi(api).list_namespaced_custom_object(
            "gateway.networking.k8s.io", "v1", "kept", "httproutes")
        assert routes["items"] == []
    finally:
        stop(process)

    with open(state, "w") as corrupt:
        corrupt.write("{not json")
    result = subprocess.run([_rollout_binary(), "sim", "--state-file", state], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert state in result.stderr + result.stdout
