"""KubeSim checked with the official Python `kubernetes` client."""
import json
import threading

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException


def config_map(name, data=None, labels=None):
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels=labels), data=data or {"k": "v"})


def test_version_and_discovery(api_client):
    version = client.VersionApi(api_client).get_code()
    assert version.git_version.startswith("v1.")
    groups = [g.name for g in client.ApisApi(api_client).get_api_versions().groups]
    assert "apps" in groups
    resources = [r.name for r in client.CoreV1Api(api_client).get_api_resources().resources]
    assert "configmaps" in resources and "pods/status" in resources


def test_configmap_crud(api_client, namespace):
    core = client.CoreV1Api(api_client)
    created = core.create_namespaced_config_map(namespace, config_map("a"))
    assert created.metadata.uid and created.metadata.resource_version
    assert created.metadata.creation_timestamp is not None
    got = core.read_namespaced_config_map("a", namespace)
    assert got.data == {"k": "v"}
    got.data["k"] = "v2"
    replaced = core.replace_namespaced_config_map("a", namespace, got)
    assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
    patched = core.patch_namespaced_config_map("a", namespace, {"data": {"extra": "1"}})
    assert patched.data == {"k": "v2", "extra": "1"}
    core.delete_namespaced_config_map("a", namespace)
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_config_map("a", namespace)
    assert missing.value.status == 404
    assert json.loads(missing.value.body)["reason"] == "NotFound"


def test_already_exists_is_409(api_client, namespace):
    core = client.CoreV1Api(api_client)
    core.create_namespaced_config_map(namespace, config_map("dup"))
    with pytest.raises(ApiException) as error:
        core.create_namespaced_config_map(namespace, config_map("dup"))
    assert error.value.status == 409
    assert json.loads(error.value.body)["reason"] == "AlreadyExists"


def test_stale_update_is_a_conflict(api_client, namespace):
    core = client.CoreV1Api(api_client)
    first = core.create_namespaced_config_map(namespace, config_map("c"))
    core.patch_namespaced_config_map("c", namespace, {"data": {"k": "newer"}})
    first.data["k"] = "stale"
    with pytest.raises(ApiException) as error:
        core.replace_namespaced_config_map("c", namespace, first)
    assert error.value.status == 409
    assert json.loads(error.value.body)["reason"] == "Conflict"


def test_list_paging_and_selectors(api_client, namespace):
    core = client.CoreV1Api(api_client)
    for i in range(7):
        core.create_namespaced_config_map(namespace, config_map("p%d" % i, labels={"tier": "a" if i % 2 else "b"}))
    names, token = [], None
    while True:
        page = core.list_namespaced_config_map(namespace, limit=3, _continue=token)
        names += [item.metadata.name for item in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert sorted(names) == ["p%d" % i for i in range(7)]
    selected = core.list_namespaced_config_map(namespace, label_selector="tier=a")
    assert sorted(item.metadata.name for item in selected.items) == ["p1", "p3", "p5"]
    by_name = core.list_namespaced_config_map(namespace, field_selector="metadata.name=p4")
    assert [item.metadata.name for item in by_name.items] == ["p4"]


def test_watch_from_a_resource_version_with_bookmarks(api_client, namespace):
    core = client.CoreV1Api(api_client)
    start = core.list_namespaced_config_map(namespace).metadata.resource_version

    def writes():
        core.create_namespaced_config_map(namespace, config_map("w"))
        core.patch_namespaced_config_map("w", namespace, {"data": {"k": "2"}})
        core.delete_namespaced_config_map("w", namespace)

    threading.Timer(0.3, writes).start()
    seen = []
    stream = watch.Watch()
    for event in stream.stream(core.list_namespaced_config_map, namespace, resource_version=start,
                               allow_watch_bookmarks=True, timeout_seconds=10):
        if event["type"] != "BOOKMARK":
            seen.append((event["type"], event["object"].metadata.name))
        if len(seen) == 3:
            stream.stop()
    assert seen == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]


def test_status_update_does_not_bump_generation(api_client, namespace):
    apps = client.AppsV1Api(api_client)
    labels = {"app": "g"}
    deployment = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="g"),
        spec=client.V1DeploymentSpec(
            replicas=0, selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="img:1")]))))
    created = apps.create_namespaced_deployment(namespace, deployment)
    assert created.metadata.generation == 1
    apps.patch_namespaced_deployment_status("g", namespace, {"status": {"observedGeneration": 1}})
    assert apps.read_namespaced_deployment("g", namespace).metadata.generation == 1
    apps.patch_namespaced_deployment("g", namespace, {"spec": {"replicas": 0, "paused": True}})
    assert apps.read_namespaced_deployment("g", namespace).metadata.generation == 2


def test_server_side_apply_conflict_and_force(api_client, namespace):
    core = client.CoreV1Api(api_client)
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}, "data": {"k": "one"}}
    core.patch_namespaced_config_map("ssa", namespace, body, field_manager="alice",
                                     _content_type="application/apply-patch+yaml")
    body["data"]["k"] = "two"
    with pytest.raises(ApiException) as error:
        core.patch_namespaced_config_map("ssa", namespace, body, field_manager="bob",
                                         _content_type="application/apply-patch+yaml")
    assert error.value.status == 409
    forced = core.patch_namespaced_config_map("ssa", namespace, body, field_manager="bob", force=True,
                                              _content_type="application/apply-patch+yaml")
    assert forced.data == {"k": "two"}
    managers = {entry.manager for entry in forced.metadata.managed_fields}
    assert "bob" in managers


def test_owner_references_are_garbage_collected(api_client, namespace):
    core = client.CoreV1Api(api_client)
    owner = core.create_namespaced_config_map(namespace, config_map("owner"))
    reference = client.V1OwnerReference(api_version="v1", kind="ConfigMap", name="owner", uid=owner.metadata.uid)
    dependent = config_map("dependent")
    dependent.metadata.owner_references = [reference]
    core.create_namespaced_config_map(namespace, dependent)
    core.delete_namespaced_config_map("owner", namespace, propagation_policy="Background")
    import time
    for _ in range(100):
        try:
            core.read_namespaced_config_map("dependent", namespace)
        except ApiException as error:
            assert error.status == 404
            return
        time.sleep(0.05)
    pytest.fail("the dependent was not garbage collected")


def test_too_old_resource_version_is_410_then_relist_works(api_client, namespace):
    core = client.CoreV1Api(api_client)
    core.create_namespaced_config_map(namespace, config_map("busy"))
    old = core.list_namespaced_config_map(namespace).metadata.resource_version
    for i in range(1100):  # more writes than KubeSim keeps in its watch history
        core.patch_namespaced_config_map("busy", namespace, {"data": {"k": str(i)}})
    with pytest.raises(ApiException) as error:
        for _ in watch.Watch().stream(core.list_namespaced_config_map, namespace,
                                      resource_version=old, timeout_seconds=5):
            pass
    assert error.value.status == 410
    fresh = core.list_namespaced_config_map(namespace)
    stream = watch.Watch()
    core_events = []
    threading.Timer(0.3, lambda: core.patch_namespaced_config_map("busy", namespace, {"data": {"k": "after"}})).start()
    for event in stream.stream(core.list_namespaced_config_map, namespace,
                               resource_version=fresh.metadata.resource_version, timeout_seconds=10):
        core_events.append(event["type"])
        if event["type"] == "MODIFIED":
            stream.stop()
    assert core_events[-1] == "MODIFIED"
