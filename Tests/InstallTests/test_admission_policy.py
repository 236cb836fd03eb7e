"""policies/admission: the ValidatingAdmissionPolicy's CEL, evaluated with a CEL
implementation (common-expression-language) on the table in admission_cases.yaml, which
Tests/SluiceAPITests/PolicyTests.swift runs through the controller's validation: both must
match the table's verdicts, so they agree with each other."""
import copy

import cel
import kubernetes_validate
import pytest

from conftest import KUBE_VERSIONS, load_documents, path

POLICY_FILE = path("policies", "admission", "rollout-sanity-policy.yaml")
BINDING_FILE = path("policies", "admission", "rollout-sanity-binding.yaml")


def policy():
    (document,) = load_documents(POLICY_FILE)
    return document


def admission(obj, operation="CREATE"):
    """What kube-apiserver decides for `obj`: (allowed, messages). Variables are evaluated in
    order and exposed as `variables.NAME`; a validation that is false, or fails to evaluate
    (failurePolicy: Fail), denies the request with its message."""
    spec = policy()["spec"]
    rules = spec["matchConstraints"]["resourceRules"]
    group, version = obj["apiVersion"].split("/")
    plural = obj["kind"].lower() + "s"
    if not any(group in r["apiGroups"] and version in r["apiVersions"] and operation in r["operations"]
               and plural in r["resources"] for r in rules):
        return True, []
    context = {"object": obj, "oldObject": None}
    variables = {}
    for variable in spec.get("variables", []):
        variables[variable["name"]] = cel.evaluate(variable["expression"], {**context, "variables": variables})
    context["variables"] = variables
    messages = []
    for validation in spec["validations"]:
        try:
            allowed = cel.evaluate(validation["expression"], context)
        except Exception as error:  # noqa: BLE001 - an evaluation error denies (failurePolicy: Fail)
            assert spec["failurePolicy"] == "Fail"
            messages.append(f"{validation['message']} (evaluation error: {error})")
            continue
        assert isinstance(allowed, bool), f"{validation['expression']} is not a boolean"
        if not allowed:
            messages.append(validation["message"])
    return not messages, messages


def cases():
    (table,) = load_documents(path("Tests", "InstallTests", "admission_cases.yaml"))
    for case in table["cases"]:
        rollout = copy.deepcopy(table["base"])
        rollout["spec"]["strategy"] = case["strategy"]
        yield pytest.param(rollout, case, id=case["name"])


@pytest.mark.parametrize("rollout,case", list(cases()))
def test_the_policy_judges_the_table_as_the_controller_does(rollout, case):
    allowed, messages = admission(rollout)
    if case.get("controllerOnly"):
        # Bad, but not obviously so: the controller's InvalidSpec reports it (PolicyTests.swift
        # checks the controller rejects it); admission lets it through.
        assert not case["admit"]
        assert allowed, messages
    else:
        assert allowed == case["admit"], messages
    for message in messages:
        assert "evaluation error" not in message, message


def test_the_table_covers_each_kind_of_rejection():
    rejected = set()
    for param in cases():
        rollout, case = param.values
        if not case["admit"] and not case.get("controllerOnly"):
            rejected.update(admission(rollout)[1])
    assert rejected == {validation["message"] for validation in policy()["spec"]["validations"]}


def test_status_writes_and_other_kinds_are_not_checked():
    rules = policy()["spec"]["matchConstraints"]["resourceRules"]
    assert [r["resources"] for r in rules] == [["rollouts"]], "rollouts/status must stay out: the controller writes it"
    template = {"apiVersion": "sluice.dev/v1alpha1", "kind": "AnalysisTemplate", "spec": {}}
    assert admission(template) == (True, [])


def test_every_expression_compiles():
    spec = policy()["spec"]
    for entry in spec["variables"] + spec["validations"]:
        cel.compile(entry["expression"])


@pytest.mark.parametrize("version", KUBE_VERSIONS)
def test_the_policy_and_binding_pass_kubernetes_schemas(version):
    for file_path in (POLICY_FILE, BINDING_FILE):
        for document in load_documents(file_path):
            kubernetes_validate.validate(document, version, strict=True)
    (binding,) = load_documents(BINDING_FILE)
    assert binding["spec"]["policyName"] == policy()["metadata"]["name"]
    assert binding["spec"]["validationActions"] == ["Deny"]
