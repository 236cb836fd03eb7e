"""policies/analysis: the Jobs the Job-provider templates run are valid batch/v1 Jobs (the
templates themselves are validated by the controller's own validation in
Tests/SluiceAPITests/PolicyTests.swift)."""
import json
import re

import kubernetes_validate
import pytest

from conftest import KUBE_VERSIONS, POLICIES, load_documents, yaml_files


def job_metrics():
    for file_path in yaml_files(POLICIES + "/analysis"):
        for template in load_documents(file_path):
            for metric in template["spec"]["metrics"]:
                if "job" in metric["provider"]:
                    yield pytest.param(template, metric, id=f"{template['metadata']['name']}/{metric['name']}")


def test_there_is_a_job_template():
    assert list(job_metrics())


@pytest.mark.parametrize("version", KUBE_VERSIONS)
@pytest.mark.parametrize("template,metric", list(job_metrics()))
def test_job_specs_are_valid_jobs(template, metric, version):
    defaults = {arg["name"]: arg.get("value", "x") for arg in template["spec"].get("args", [])}
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "smoke", **metric["provider"]["job"].get("metadata", {})},
           "spec": metric["provider"]["job"]["spec"]}
    # {{args.NAME}} filled in as a run would, with the defaults (or "x").
    rendered = re.sub(r"\{\{\s*args\.([a-zA-Z0-9_-]+)\s*\}\}", lambda m: defaults[m.group(1)], json.dumps(job))
    kubernetes_validate.validate(json.loads(rendered), version, strict=True)
    pod = job["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert all(c["securityContext"]["allowPrivilegeEscalation"] is False for c in pod["containers"])


def test_every_policy_passes_rollout_lint(binaries):
    """What a user runs before committing: `rollout lint` over every file in policies/."""
    import subprocess
    files = yaml_files(POLICIES)
    assert files
    result = subprocess.run([binaries["rollout"], "lint", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout + result.stderr


def test_rollout_lint_fails_on_a_broken_policy(binaries, tmp_path):
    """The check above can fail: a template whose condition does not parse is reported with its path."""
    import subprocess
    broken = tmp_path / "broken.yaml"
    # The first template with a condition (decision templates have none).
    source = next(text for text in (open(f).read() for f in yaml_files(POLICIES + "/analysis")) if "successCondition: " in text)
    broken.write_text(re.sub(r"successCondition: .*", "successCondition: result[0] <=", source, count=1))
    result = subprocess.run([binaries["rollout"], "lint", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "successCondition" in result.stdout + result.stderr
