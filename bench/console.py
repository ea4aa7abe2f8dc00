"""The console in a real browser against the demo county: initial download and charts' time.

    .venv/bin/python bench/console.py [--base URL] [--runs 5]

Against a running platform with the demo county loaded (`make demo`) and the console built.
Creates a console account (league committee admin) with a command-line token, then, per run,
a fresh browser context (empty cache): sign in, open the home page anew and wait until all
six charts have drawn (ECharts' `finished`, marked `data-rendered` by the page).

- initial download: bytes transferred (gzip as sent by the gateway) of the page's own files
  (HTML, JS, CSS; not the API's answers), from the browser's resource timing, for the login
  page and for the home page (which adds ECharts and the page's code);
- time to charts: from the navigation to `/` (signed in) until the six charts have drawn,
  API calls included. Prints the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway import auth  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
CHARTS = ("coverage-township", "coverage-industry", "compliance", "credit-month", "credit-bank",
          "activities")
OWN_FILES = """() => performance.getEntriesByType('navigation').concat(
  performance.getEntriesByType('resource'))
  .filter(e => !new URL(e.name).pathname.startsWith('/api/'))
  .reduce((sum, e) => sum + e.transferSize, 0)"""


def main() -> int:
    parser = argparse.ArgumentParser()
    port = os.environ.get("GATEWAY_PORT", "8000")
    parser.add_argument("--base", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    token = auth.issue("bench", "league_committee", "admin", ttl=600)
    username, password = f"bench{uuid.uuid4().hex[:8]}", "bench-password-1"
    r = requests.post(args.base + "/api/v1/users", timeout=30,
                      headers={"Authorization": f"Bearer {token}"},
                      json={"username": username, "display_name": "基准测试",
                            "password": password, "department": "league_committee",
                            "role": "admin"})
    r.raise_for_status()
    from playwright.sync_api import sync_playwright

    login_bytes, home_bytes, times = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(args.base + "/login")
            page.wait_for_selector("[data-test=login-submit]")
            page.wait_for_load_state("networkidle")
            login_bytes.append(page.evaluate(OWN_FILES))
            page.fill("[data-test=username]", username)
            page.fill("[data-test=password]", password)
            page.click("[data-test=login-submit]")
            page.wait_for_selector("[data-test=page-home]")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")  # an empty cache, as on a first visit
            started = time.perf_counter()
            page.goto(args.base + "/")
            for chart in CHARTS:
                page.wait_for_selector(f"[data-test=chart-{chart}][data-rendered=true]",
                                       timeout=60_000)
            times.append(time.perf_counter() - started)
            page.wait_for_load_state("networkidle")
            home_bytes.append(page.evaluate(OWN_FILES))
            context.close()
        browser.close()
    kib = statistics.median(login_bytes) / 1024
    print(f"login page, own files transferred (gzip): {kib:.0f} KiB")
    kib = statistics.median(home_bytes) / 1024
    print(f"home page, own files transferred (gzip): {kib:.0f} KiB")
    print(f"home page, navigation to six charts drawn: median {statistics.median(times):.2f} s,"
          f" min {min(times):.2f} s, max {max(times):.2f} s ({args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
