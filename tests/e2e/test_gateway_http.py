"""What the gateway answers itself: problem+json everywhere, `Allow` on 405, NUL refused."""

from __future__ import annotations

import requests


def test_an_unknown_method_gets_405_with_the_resources_methods(api):
    r = api.request("OPTIONS", "/api/v1/cooperatives")
    assert r.status_code == 405
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.headers["Allow"] == "GET, HEAD, POST"
    r = api.request("DELETE", "/api/v1/cooperatives/abc")
    assert r.status_code == 405 and set(r.headers["Allow"].split(", ")) == {"GET", "HEAD",
                                                                             "PATCH"}


def test_a_path_nameko_cannot_route_is_a_problem_too(api):
    r = api.get("/api/v1/cooperatives/%0Aabc")
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/problem+json")
    r = requests.get(api.base + "/nowhere", timeout=10)
    assert r.status_code == 404 and r.json()["status"] == 404


def test_nul_characters_are_invalid_input(api):
    r = api.get("/api/v1/cooperatives", params={"township": "a\x00b"})
    assert r.status_code == 422 and "township" in r.json()["errors"]
    r = api.post("/api/v1/cooperatives", {"name": "x\x00"})
    assert r.status_code == 422 and "_body" in r.json()["errors"]


def test_a_long_query_is_not_refused_by_the_server_itself(api):
    r = api.get("/api/v1/events", params={"types": "é" * 2000})
    assert r.status_code == 200, r.text


def test_every_operation_documents_its_answers(api):
    doc = requests.get(api.base + "/api/v1/openapi.json", timeout=10).json()
    missing = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path == "/health":
                continue
            ok = [s for s in op["responses"] if s.startswith("2")]
            if not ok or not all("content" in op["responses"][s] for s in ok):
                missing.append((method, path))
            bad_params = [p for p in op.get("parameters", []) if "schema" not in p]
            if bad_params:
                missing.append((method, path, "parameters without a schema"))
    assert not missing, f"operations without documented answers: {missing}"
