"""Shared helpers for the install tests: the repository's paths, YAML loading, and the Swift
build's binaries (SLUICE_BIN_PATH, set by `make test`, or `swift build --show-bin-path`)."""
import os
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MANIFESTS = os.path.join(ROOT, "manifests")
CHART = os.path.join(ROOT, "charts", "sluice")
POLICIES = os.path.join(ROOT, "policies")
# Kubernetes versions the objects are checked against: the oldest the chart supports
# (Chart.yaml kubeVersion, ValidatingAdmissionPolicy v1) and the newest kubernetes-validate knows.
KUBE_VERSIONS = ["1.30", "1.37"]


def path(*parts):
    return os.path.join(ROOT, *parts)


def load_documents(file_path):
    """Every non-empty YAML document of a file."""
    with open(file_path, encoding="utf-8") as handle:
        return [document for document in yaml.safe_load_all(handle) if document]


def yaml_files(directory):
    found = []
    for parent, _, names in os.walk(directory):
        found += [os.path.join(parent, name) for name in names if name.endswith((".yaml", ".yml"))]
    return sorted(found)


def bin_path():
    if os.environ.get("SLUICE_BIN_PATH"):
        return os.environ["SLUICE_BIN_PATH"]
    return subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip()


@pytest.fixture(scope="session")
def binaries():
    """Paths of the built `rollout` and `rolloutd`."""
    directory = bin_path()
    found = {name: os.path.join(directory, name) for name in ("rollout", "rolloutd")}
    for name, binary in found.items():
        if not os.access(binary, os.X_OK):
            raise RuntimeError(f"{binary} is missing: run `swift build --build-tests` first")
    return found
