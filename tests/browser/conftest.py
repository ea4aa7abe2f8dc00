"""The console in a real headless Chromium (Debian's `chromium`, driven by Playwright).

Playwright's own browser download needs the internet, which the project's machines lack:
the tests launch /usr/bin/chromium (installed by `make test` with apt where missing).
Every test saves a screenshot under the test instance's var/ (`$VAR/screenshots/`).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import test_gateway_kit as kit
from tests.e2e.conftest import api, platform  # noqa: F401  (the running platform)
from tests.e2e.test_console_kit import published_letter, send

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
PASSWORD = "console-pass-2026"
COUNTY = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("no /usr/bin/chromium: `make test` installs it with apt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shots(platform) -> Path:  # noqa: F811
    folder = Path(platform["VAR"]) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Console:
    """One browser context: a person at the console, with the page's console errors."""

    def __init__(self, browser: Any, base: str, shots: Path, width: int = 1280,
                 height: int = 900) -> None:
        self.base = base
        self.shots = shots
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           locale="zh-CN", accept_downloads=True)
        self.page = self.context.new_page()
        # a bound, not a measure: the shared 2-core machine can be slow under other suites
        self.page.set_default_timeout(60_000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def goto(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def login(self, username: str, password: str = PASSWORD) -> Any:
        page = self.goto("/login")
        page.fill("[data-test=username]", username)
        page.fill("[data-test=password]", password)
        page.click("[data-test=login-submit]")
        return page

    def signed_in(self, username: str) -> Any:
        page = self.login(username)
        page.wait_for_selector("[data-test=page-home]")
        return page

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True, timeout=90_000)
        assert path.stat().st_size > 1000
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def console(browser, api, shots) -> Iterator[Any]:  # noqa: F811
    opened: list[Console] = []

    def open_(width: int = 1280, height: int = 900) -> Console:
        c = Console(browser, api.base, shots, width, height)
        opened.append(c)
        return c

    yield open_
    for c in opened:
        c.close()


def account(api, department: str = "league_committee", role: str = "admin",  # noqa: F811
            unit: str | None = None, name: str = "张红梅") -> str:
    username = f"t{uuid.uuid4().hex[:10]}"
    send(api, "POST", "/api/v1/users", {"username": username, "display_name": name,
                                         "department": department, "role": role,
                                         "unit": unit, "password": PASSWORD}, 201)
    return username


@pytest.fixture(scope="session")
def world(api) -> dict[str, Any]:  # noqa: F811
    """A committee (founded 2024-01-02) with branches A and B (2024-02-01), a member in each,
    a cooperative, a secretary with a published commitment letter, and the accounts."""
    tree = kit.tree(api)
    kit.cooperative(api, name="大庄镇苹果专业合作社", chair="王芳", township="大庄镇",
                    industry_category="水果")
    public = published_letter(api, tree["committee"]["id"])
    return {**tree, "letter_id": public["letter_id"],
            "county_code": f"{random.randint(110000, 659999)}",
            "admin": account(api), "viewer": account(api, role="viewer", name="李明"),
            "secretary": account(api, role="editor", unit=tree["a"], name="王芳")}
