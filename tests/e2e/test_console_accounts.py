"""Console accounts: sign-in, lockout, refresh rotation, sign-out, disabling, the audit.

The gateway's own tables and routes (gateway/users.py, gateway/routes/accounts.py); the
browser side of the same promises is in tests/browser/.
"""

from __future__ import annotations

import subprocess
import sys
import uuid

import jwt
import requests

from tests.e2e.conftest import ROOT

PASSWORD = "correct-horse-42"


def _user(api, **overrides) -> dict:
    body = {"username": f"u{uuid.uuid4().hex[:10]}", "display_name": "张红梅",
            "department": "league_committee", "role": "editor", "password": PASSWORD}
    body.update(overrides)
    r = api.post("/api/v1/users", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _login(api, username: str, password: str = PASSWORD, session=None) -> requests.Response:
    return (session or requests).post(api.base + "/api/v1/auth/login",
                                      json={"username": username, "password": password},
                                      timeout=30)


def _audit(api, username: str) -> list[str]:
    r = api.get(f"/api/v1/audit?kind=auth&actor={username}")
    assert r.status_code == 200, r.text
    return [e["what"] for e in r.json()["items"]]


def test_a_sign_in_gives_a_30_minute_token_and_a_strict_httponly_cookie(api):
    user = _user(api)
    r = _login(api, user["username"])
    assert r.status_code == 200, r.text
    body = r.json()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 1800
    assert claims["sub"] == user["username"] and claims["department"] == "league_committee"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/api/v1/auth" in cookie
    me = api.get("/api/v1/auth/me", token=body["access_token"]).json()
    assert me["display_name"] == "张红梅" and "cooperatives.write" in me["actions"]
    assert "users.admin" not in me["actions"]
    assert _audit(api, user["username"]) == ["login"]


def test_a_wrong_password_is_refused_and_audited(api):
    user = _user(api)
    r = _login(api, user["username"], "wrong-password-1")
    assert r.status_code == 401 and r.headers["Content-Type"] == "application/problem+json"
    assert _login(api, "nobody-" + uuid.uuid4().hex[:6], "whatever-123").status_code == 401
    assert _audit(api, user["username"]) == ["login_failed"]


def test_five_failures_lock_the_account_for_15_minutes(api):
    user = _user(api)
    statuses = [_login(api, user["username"], f"wrong-pass-{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 423]
    locked = _login(api, user["username"])  # the right password, but locked
    assert locked.status_code == 423 and int(locked.headers["Retry-After"]) > 800
    assert "locked_out" in _audit(api, user["username"])
    listed = {u["username"]: u for u in api.get("/api/v1/users").json()["items"]}
    assert listed[user["username"]]["locked_until"]
    reset = api.post(f"/api/v1/users/{user['username']}/reset-password",
                     json={"password": "another-pass-77"})
    assert reset.status_code == 200 and reset.json()["locked_until"] is None
    assert _login(api, user["username"], "another-pass-77").status_code == 200


def test_the_refresh_token_rotates_and_a_reused_one_ends_every_session(api):
    user = _user(api)
    browser = requests.Session()
    assert _login(api, user["username"], session=browser).status_code == 200
    first = browser.cookies.get("coopleague_refresh")
    r = browser.post(api.base + "/api/v1/auth/refresh", timeout=30)
    assert r.status_code == 200 and r.json()["access_token"]
    second = browser.cookies.get("coopleague_refresh")
    assert second and second != first
    stolen = requests.post(api.base + "/api/v1/auth/refresh",
                           cookies={"coopleague_refresh": first}, timeout=30)
    assert stolen.status_code == 401
    # the reuse revoked the live one too
    assert browser.post(api.base + "/api/v1/auth/refresh", timeout=30).status_code == 401


def test_logout_revokes_the_refresh_token(api):
    user = _user(api)
    browser = requests.Session()
    _login(api, user["username"], session=browser)
    token = browser.cookies.get("coopleague_refresh")
    assert browser.post(api.base + "/api/v1/auth/logout", timeout=30).status_code == 200
    again = requests.post(api.base + "/api/v1/auth/refresh",
                          cookies={"coopleague_refresh": token}, timeout=30)
    assert again.status_code == 401
    assert _audit(api, user["username"])[:2] == ["login", "logout"]


def test_disabling_an_account_revokes_its_sessions_and_sign_ins(api):
    user = _user(api)
    browser = requests.Session()
    _login(api, user["username"], session=browser)
    assert api.post(f"/api/v1/users/{user['username']}/disable").json()["active"] is False
    assert browser.post(api.base + "/api/v1/auth/refresh", timeout=30).status_code == 401
    assert _login(api, user["username"]).status_code == 401


def test_accounts_need_ten_characters_and_the_admin_role(api):
    short = api.post("/api/v1/users", json={"username": "shorty", "display_name": "李明",
                                            "department": "tax", "role": "viewer",
                                            "password": "123456789"})
    assert short.status_code == 422 and "password" in short.json()["errors"]
    editor = api.token("league_committee", "editor")
    assert api.get("/api/v1/users", token=editor).status_code == 403
    taken = _user(api)
    again = api.post("/api/v1/users", json={
        "username": taken["username"], "display_name": "另一人", "department": "tax",
        "role": "viewer", "password": PASSWORD})
    assert again.status_code == 409


def test_the_command_line_adds_lists_disables_and_resets(api, platform):
    name = f"cli{uuid.uuid4().hex[:8]}"

    def cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gateway.users", *args], cwd=ROOT,
                              env=platform, input=password, capture_output=True, text=True,
                              timeout=60)

    added = cli("add", name, "--name", "王芳", "--department", "organization", "--role",
                "viewer", "--password-stdin", password="cli-password-1\n")
    assert added.returncode == 0, added.stderr
    assert cli("add", name + "x", "--name", "王芳", "--department", "organization", "--role",
               "viewer", "--password-stdin", password="short\n").returncode == 1
    assert f"{name}\t王芳\torganization\tviewer" in cli("list").stdout
    assert _login(api, name, "cli-password-1").status_code == 200
    assert cli("reset-password", name, "--password-stdin",
               password="cli-password-2\n").returncode == 0
    assert _login(api, name, "cli-password-1").status_code == 401
    assert cli("disable", name).returncode == 0
    assert _login(api, name, "cli-password-2").status_code == 401
    assert _audit(api, name) == ["login", "password_reset", "login_failed", "disabled",
                                 "login_failed"]


def test_the_vocabulary_needs_no_token_and_has_both_languages(api):
    r = requests.get(api.base + "/api/v1/vocabularies", timeout=30)
    assert r.status_code == 200
    steps = {e["code"]: e for e in r.json()["vocabularies"]["establishment_steps"]}
    assert steps["founding_conference_held"]["zh-CN"] == "召开成立大会"
    assert steps["founding_conference_held"]["en"] == "Founding conference"


def test_the_console_is_served_at_the_root_with_an_spa_fallback(api):
    root = requests.get(api.base + "/", timeout=30)
    assert root.status_code in (200, 503) and "text/html" in root.headers["Content-Type"]
    page = requests.get(api.base + "/cooperatives/some-id", timeout=30)
    assert page.status_code == root.status_code and page.text == root.text
    unknown_api = requests.get(api.base + "/api/v2/nothing", timeout=30)
    assert unknown_api.status_code == 404
    assert unknown_api.headers["Content-Type"] == "application/problem+json"
