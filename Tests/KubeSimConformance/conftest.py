"""Starts KubeSim (`rollout sim`) for the conformance tests and hands out API clients of the
official Python `kubernetes` package, a client nobody here wrote."""
import os
import subprocess
import tempfile
import time

import pytest
from kubernetes import client, config


def _rollout_binary():
    if os.environ.get("ROLLOUT_BIN"):
        return os.environ["ROLLOUT_BIN"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    bin_path = subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=root, text=True).strip()
    return os.path.join(bin_path, "rollout")


@pytest.fixture(scope="session")
def kubeconfig_path():
    directory = tempfile.mkdtemp(prefix="kubesim-conformance-")
    path = os.path.join(directory, "kubeconfig")
    process = subprocess.Popen([_rollout_binary(), "sim", "--write-kubeconfig", path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = process.stdout.readline()
    if "serving" not in line:
        process.kill()
        raise RuntimeError("rollout sim did not start: " + line + process.stdout.read())
    yield path
    process.send_signal(2)  # SIGINT: graceful stop
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def api_client(kubeconfig_path):
    return config.new_client_from_config(config_file=kubeconfig_path)


@pytest.fixture
def namespace(api_client):
    """A fresh namespace per test, so tests never see each other's objects."""
    name = "t-%d" % (time.monotonic_ns() % 10**12)
    client.CoreV1Api(api_client).create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    return name
