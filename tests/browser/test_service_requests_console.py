"""Issue 18 with issue 12 part 6: overdue service requests on the home page, the
department view (部门视图) where only the routed department's users accept, answer, close,
and the 提交服务申请 form a branch secretary uses on a phone (a viewer has no button).

Each test saves a screenshot under the test instance's var/screenshots/.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import account
from tests.e2e import test_gateway_kit as kit
from tests.e2e.test_org_kit import create_unit


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


def _option(page, text: str) -> None:
    """Click the open Element Plus dropdown's option `text` (dropdowns are teleported)."""
    page.locator(".el-select-dropdown__item:visible", has_text=text).first.click()


def test_a_branch_secretary_submits_a_request_from_a_phone(console, api, world):
    coop = kit.cooperative(api, name=f"小河村蜂蜜合作社{uuid.uuid4().hex[:4]}", chair="李梅",
                           township="小河镇", industry_category="养殖")
    branch = create_unit(api, world["root"], "branch", cooperative_ids=[coop["id"]])
    secretary = account(api, role="editor", unit=branch["id"], name="周支书")
    c = console(375, 812)
    page = c.signed_in(secretary)
    page.goto(c.base + "/service-requests")
    page.click("[data-test=sr-open]")
    page.wait_for_selector("[data-test=sr-title]")
    # nothing chosen: the API's field errors appear on their fields, in Chinese
    page.click("[data-test=sr-submit]")
    page.wait_for_selector(".el-form-item__error")
    assert "必填项" in page.inner_text("[data-test=sr-dialog] .el-form")
    page.click("[data-test=sr-kind]")
    _option(page, "税收减免")
    page.click("[data-test=sr-coop]")
    _option(page, coop["name"])
    title = f"申请减免增值税{uuid.uuid4().hex[:4]}"
    page.fill("[data-test=sr-title]", title)
    page.fill("[data-test=sr-description]", "合作社销售自产蜂蜜，申请免征增值税")
    page.click("[data-test=sr-submit]")
    page.wait_for_selector("[data-test=sr-list]", state="visible")
    page.wait_for_selector(f"[data-test=sr-list] :text('{title}')")
    # the phone's page does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    listed = api.get("/api/v1/service-requests",
                     params={"unit_id": branch["id"], "limit": 50}).json()["items"]
    ours = [r for r in listed if r["title"] == title]
    assert len(ours) == 1
    assert (ours[0]["kind"], ours[0]["department"], ours[0]["cooperative_id"]) == \
        ("tax_relief", "tax", coop["id"])
    c.shot("service-requests-phone-submit")
    # the browser logs the one refused submission (422); nothing else went wrong
    assert [e for e in c.errors if "status of 422" not in e] == []
    assert len(c.errors) == 1


def test_a_viewer_sees_no_submit_button(console, api, world):
    coop = kit.cooperative(api, name=f"东岭村果品合作社{uuid.uuid4().hex[:4]}", chair="孙强",
                           township="东岭镇", industry_category="水果")
    c = console()
    page = c.signed_in(world["viewer"])
    page.goto(c.base + "/service-requests")
    page.wait_for_selector("[data-test=page-service-requests] .panel")
    assert page.locator("[data-test=sr-open]").count() == 0
    page.goto(c.base + f"/cooperatives/{coop['id']}")
    page.wait_for_selector("[data-test=page-cooperative] h2")
    assert page.locator("[data-test=coop-sr-open]").count() == 0
    c.shot("service-requests-viewer")
    assert c.errors == []
