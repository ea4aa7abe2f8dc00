"""Issue 2's proof: a cooperative registered over HTTP reaches every service."""

from __future__ import annotations

import requests

from tests.conftest import wait_until
from tests.e2e.conftest import cooperative_body


def test_health_answers_for_every_service(api):
    r = requests.get(api.base + "/health", timeout=10)
    assert r.status_code == 200
    assert set(r.json()["services"]) == {"org", "activities", "funding", "assessment"}


def test_a_cooperative_reaches_activities_funding_and_assessment(api):
    r = api.post("/api/v1/cooperatives", cooperative_body(), headers={"X-Correlation-Id": "skel-1"})
    assert r.status_code == 201, r.text
    coop = r.json()
    assert r.headers["Location"] == f"/api/v1/cooperatives/{coop['id']}"
    assert r.headers["X-Correlation-Id"] == "skel-1"

    def known_everywhere():
        body = api.get(f"/api/v1/cooperatives/{coop['id']}").json()
        return all(body["known_by"].values()) and body

    body = wait_until(known_everywhere, timeout=30, message="all services learn the cooperative")
    assert body["known_by"] == {"activities": True, "funding": True, "assessment": True}
    assert body["uscc"] == coop["uscc"]


def test_the_event_carries_the_requests_correlation_id_and_actor(api):
    r = api.post("/api/v1/cooperatives", cooperative_body(),
                 headers={"X-Correlation-Id": "corr-e2e-42"},
                 token=api.token("agriculture", "editor", sub="clerk-7"))
    assert r.status_code == 201, r.text
    from eventkit import config, db

    conn = db.connect(config.dsn("org"), "org")
    with conn.cursor() as cur:
        cur.execute("SELECT metadata FROM events WHERE stream_id = %s",
                    (f"cooperative-{r.json()['id']}",))
        [(metadata,)] = cur.fetchall()
    conn.close()
    assert metadata["correlation_id"] == "corr-e2e-42"
    assert metadata["actor"] == "agriculture:clerk-7"
    assert metadata["source"] == "org"


def test_bad_input_is_422_and_a_duplicate_uscc_409_with_nothing_stored(api):
    body = cooperative_body()
    bad = dict(body, uscc=body["uscc"][:-1] + ("0" if body["uscc"][-1] != "0" else "1"))
    r = api.post("/api/v1/cooperatives", bad)
    assert r.status_code == 422
    assert r.headers["Content-Type"] == "application/problem+json"
    assert "uscc" in r.json()["errors"]
    r = api.post("/api/v1/cooperatives", dict(body, extra_field=1))
    assert r.status_code == 422 and "extra_field" in r.json()["errors"]
    assert api.post("/api/v1/cooperatives", body).status_code == 201
    r = api.post("/api/v1/cooperatives", dict(body, name="Other"))
    assert r.status_code == 409
    listed = api.get("/api/v1/cooperatives?limit=500").json()["items"]
    assert sum(1 for c in listed if c["uscc"] == body["uscc"]) <= 1


def test_idempotency_key_replays_the_first_answer(api):
    body = cooperative_body()
    first = api.post("/api/v1/cooperatives", body, headers={"Idempotency-Key": body["uscc"]})
    again = api.post("/api/v1/cooperatives", body, headers={"Idempotency-Key": body["uscc"]})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = api.post("/api/v1/cooperatives", dict(body, name="changed"),
                     headers={"Idempotency-Key": body["uscc"]})
    assert other.status_code == 422


def test_tokens_are_checked(api):
    import jwt

    assert api.get("/api/v1/cooperatives", token="").status_code == 401
    expired = api.token(ttl=-10)
    assert api.get("/api/v1/cooperatives", token=expired).status_code == 401
    wrong_key = jwt.encode({"sub": "x", "department": "tax", "role": "admin", "exp": 9999999999},
                           "another-key", algorithm="HS256")
    assert api.get("/api/v1/cooperatives", token=wrong_key).status_code == 401
    none_alg = jwt.encode({"sub": "x", "department": "tax", "role": "admin", "exp": 9999999999},
                          None, algorithm="none")
    assert api.get("/api/v1/cooperatives", token=none_alg).status_code == 401
    no_exp = jwt.encode({"sub": "x", "department": "tax", "role": "admin"}, api.secret,
                        algorithm="HS256")
    assert api.get("/api/v1/cooperatives", token=no_exp).status_code == 401
    viewer = api.token("tax", "viewer")
    assert api.post("/api/v1/cooperatives", {}, token=viewer).status_code == 403


def test_openapi_document_lists_the_routes(api):
    doc = requests.get(api.base + "/api/v1/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.1")
    assert "post" in doc["paths"]["/api/v1/cooperatives"]
