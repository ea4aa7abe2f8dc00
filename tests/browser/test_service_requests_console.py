"""Issue 18 with issue 12 part 6: overdue service requests on the home page, and the
department view (部门视图) where only the routed department's users accept, answer, close.

Each test saves a screenshot under the test instance's var/screenshots/.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import account
from tests.e2e import test_gateway_kit as kit


def _request(api, world, kind: str, submitted_on: str | None = None, **extra: Any) -> dict:
    coop = kit.cooperative(api, name="大庄镇樱桃专业合作社", chair="王芳", township="大庄镇",
                           industry_category="水果")
    body = {"unit_id": world["a"], "kind": kind, "cooperative_id": coop["id"],
            "title": extra.pop("title"), "description": "合作社申请", **extra}
    if submitted_on:
        body["submitted_on"] = submitted_on
    r = api.post("/api/v1/service-requests", body)
    assert r.status_code == 201, r.text
    return r.json()


def test_the_home_page_alerts_overdue_requests_per_department(console, api, world):
    overdue = _request(api, world, "tax_relief", "2025-03-03", title="申请增值税减免（逾期）")
    c = console()
    page = c.signed_in(world["admin"])
    link = page.wait_for_selector("[data-test=service-overdue-tax]")
    assert "税务局" in link.inner_text() and "逾期未答复" in link.inner_text()
    link.click()
    page.wait_for_selector("[data-test=page-departments]")
    page.wait_for_selector(f"[data-test=status-{overdue['id']}]")
    assert "逾期" in page.inner_text(f"[data-test=status-{overdue['id']}]")
    # the League's admin sees the tax bureau's requests but takes no step for it
    assert page.locator(f"[data-test=accept-{overdue['id']}]").count() == 0
    c.shot("service-requests-home-alert")
    assert c.errors == []


def test_only_the_routed_department_accepts_answers_and_closes(console, api, world):
    request = _request(api, world, "tax_relief", "2025-03-03", title="申请简化纳税申报")
    rid = request["id"]
    other = console()
    page = other.signed_in(account(api, department="agriculture", role="editor", name="赵农"))
    page.goto(other.base + "/departments?dept=tax&overdue=1")
    page.wait_for_selector(f"[data-test=status-{rid}]")
    assert page.locator(f"[data-test=accept-{rid}]").count() == 0  # not its department
    other.shot("service-requests-other-department")

    c = console()
    page = c.signed_in(account(api, department="tax", role="editor", name="钱税"))
    page.goto(c.base + "/departments?overdue=1")
    page.click(f"[data-test=accept-{rid}]")
    page.wait_for_selector(f"[data-test=answer-{rid}]")
    assert "已受理" in page.inner_text(f"[data-test=status-{rid}]")
    page.click(f"[data-test=answer-{rid}]")
    page.fill("[data-test=answer-text]", "符合条件，已办理减免备案")
    page.click("[data-test=answer-submit]")
    # answered: no longer overdue; the full list shows it with the close button
    page.wait_for_function(
        "id => !document.querySelector(`[data-test=answer-${id}]`)", arg=rid)
    page.goto(c.base + "/departments")
    page.click(f"[data-test=close-{rid}]")
    page.wait_for_function(
        "id => (document.querySelector(`[data-test=status-${id}]`) || {}).innerText"
        " === '已办结'", arg=rid)
    done = api.get(f"/api/v1/service-requests/{rid}").json()
    assert done["status"] == "closed" and done["answer"] == "符合条件，已办理减免备案"
    assert done["answered_late"] is True
    c.shot("service-requests-department-steps")
    assert c.errors == [] and other.errors == []
