"""The container image, deploy/compose.yaml and deploy/k8s, checked offline.

The Kubernetes manifests are validated against the Kubernetes JSON schemas shipped with
kubernetes-validate (strict: unknown fields fail); `docker compose config` runs where a
Docker engine with compose answers, and the compose file's wiring is checked either way.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
PROCESSES = ("org", "activities", "funding", "assessment", "gateway")


def k8s_documents() -> list[tuple[str, dict]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [(path.name, d) for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def by_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for _, d in k8s_documents() if d["kind"] == kind}


@pytest.mark.parametrize("name,doc", k8s_documents(),
                         ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_every_manifest_is_valid_against_the_kubernetes_schema(name, doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_an_invalid_manifest_is_refused():
    bad = by_kind("Deployment")["org"]
    bad = {**bad, "spec": {**bad["spec"], "replicas": "three"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


def test_every_process_has_a_deployment_with_probes_resources_and_a_pdb():
    deployments, pdbs = by_kind("Deployment"), by_kind("PodDisruptionBudget")
    assert set(deployments) == set(PROCESSES)
    for name, dep in deployments.items():
        spec = dep["spec"]["template"]["spec"]
        (container,) = spec["containers"]
        assert container["args"] == [name]
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["terminationGracePeriodSeconds"] >= 30
        env_from = {next(iter(e.values()))["name"] for e in container["envFrom"]}
        assert env_from == {"coopleague-config", "coopleague-secrets"}
        assert pdbs[name]["spec"]["selector"] == dep["spec"]["selector"]
        assert dep["spec"]["replicas"] >= 2  # a PDB of minAvailable 1 needs a second pod


def test_the_gateway_scales_and_secrets_carry_the_jwt_key_and_database_url():
    (hpa,) = by_kind("HorizontalPodAutoscaler").values()
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": "gateway"}
    assert hpa["spec"]["minReplicas"] >= 2
    secret = by_kind("Secret")["coopleague-secrets"]
    assert {"JWT_SECRET", "DATABASE_URL", "AMQP_URI"} <= set(secret["stringData"])
    (job,) = by_kind("Job").values()
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]


def test_the_image_is_slim_non_root_with_a_console_stage():
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\S+)", text, re.M)
    assert ("node:22-slim", "console") in stages
    assert any(image.startswith("python:") and image.endswith("-slim") for image, _ in stages)
    assert "COPY --from=console" in text
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("0", "root")
    entry = (ROOT / "deploy" / "entrypoint.sh").read_text()
    for command in ("migrate", *PROCESSES):
        assert re.search(rf"^\s+{command}\) exec ", entry, re.M), command


def compose() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())


def test_compose_runs_the_whole_platform_with_health_checks():
    services = compose()["services"]
    assert {"postgres", "rabbitmq", "migrate", *PROCESSES} <= set(services)
    for name, svc in services.items():
        if name != "migrate":
            assert "healthcheck" in svc, name
        for dep in svc.get("depends_on", {}):
            assert dep in services, (name, dep)
    for name in PROCESSES:
        assert services[name]["command"] == [name]
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
        assert "/health/ready" in " ".join(services[name]["healthcheck"]["test"])


def _compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True,
                          timeout=30).returncode == 0


def test_docker_compose_config_accepts_the_file():
    if not _compose_available():
        pytest.skip("no docker compose here: the structural checks above stand in")
    done = subprocess.run(["docker", "compose", "-f", str(ROOT / "deploy" / "compose.yaml"),
                           "config", "--quiet"], capture_output=True, text=True, timeout=60,
                          env={"JWT_SECRET": "x" * 40, "PATH": "/usr/bin:/usr/local/bin"})
    assert done.returncode == 0, done.stderr
