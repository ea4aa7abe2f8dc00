"""The console as its people use it: sign-in, every page, the workflows, scope and policy.

Each test saves a screenshot under the test instance's var/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import uuid

import requests

from tests.browser.conftest import PASSWORD, account

NAV = ("home", "committee", "tree", "cooperatives", "members", "activities", "funds", "credit",
       "assessment", "departments", "audit", "users")
COUNTY_PAGES = ("committee", "departments", "users", "audit")


def test_sign_in_shows_the_home_page_with_its_charts(console, world):
    c = console()
    page = c.signed_in(world["admin"])
    page.wait_for_selector("[data-test=chart-coverage-township][data-rendered=true]")
    page.wait_for_selector("[data-test=chart-compliance][data-rendered=true]")
    assert "张红梅" in page.inner_text("header")
    assert page.locator("[data-test=nav-users]").count() == 1
    c.shot("login-home")
    assert c.errors == []


def test_a_wrong_password_is_refused_in_chinese(console, world):
    c = console()
    page = c.login(world["admin"], "not-the-password")
    error = page.wait_for_selector("[data-test=login-error]")
    assert "用户名或密码错误" in error.inner_text()
    assert page.url.endswith("/login")
    c.shot("login-wrong-password")


def test_five_failures_lock_the_account(console, api, world):
    username = account(api, role="viewer", name="赵磊")
    c = console()
    page = c.goto("/login")
    page.fill("[data-test=username]", username)
    statuses = []
    for i in range(5):
        page.fill("[data-test=password]", f"wrong-password-{i}")
        with page.expect_response("**/api/v1/auth/login") as answer:
            page.click("[data-test=login-submit]")
        statuses.append(answer.value.status)
    assert statuses == [401, 401, 401, 401, 423]
    page.fill("[data-test=password]", PASSWORD)  # even the right one, for 15 minutes
    with page.expect_response("**/api/v1/auth/login") as answer:
        page.click("[data-test=login-submit]")
    assert answer.value.status == 423
    page.wait_for_function("document.querySelector('[data-test=login-error]')"
                           "?.innerText.includes('锁定')")
    assert page.url.endswith("/login")
    c.shot("login-locked")


def test_every_page_loads_without_a_console_error(console, world):
    c = console()
    page = c.signed_in(world["admin"])
    for name in NAV:
        page.click(f"[data-test=nav-{name}]")
        page.wait_for_selector(f"[data-test=page-{name}]")
        page.wait_for_load_state("networkidle")
        c.shot(f"page-{name}")
    for path, name in ((f"/members/{world['member_a']['id']}", "member"),
                       ("/cooperatives", "cooperatives")):
        page.goto(c.base + path)
        page.wait_for_selector(f"[data-test=page-{name}]")
        page.wait_for_load_state("networkidle")
    page.click("[data-test=coop-table] .el-table__row >> nth=0")
    page.wait_for_selector("[data-test=coop-advice]")
    c.shot("page-cooperative-detail")
    page.click("[data-test=logout]")
    page.wait_for_selector("[data-test=login-submit]")
    assert c.errors == [], c.errors


def test_the_establishment_stepper_takes_steps_in_order_only(console, world):
    c = console()
    page = c.signed_in(world["admin"])
    page.click("[data-test=nav-committee]")
    page.click("[data-test=committee-create]")
    page.fill("[data-test=committee-name]", "测试县农村合作组织团工委")
    page.fill("[data-test=committee-county]", "测试县")
    page.fill("[data-test=committee-code]", world["county_code"])
    page.click("[data-test=committee-save]")
    page.wait_for_selector("[data-test=step-survey_recorded]:not([disabled])")
    done = page.locator("[data-test=stepper] .el-step__head.is-success")
    assert done.count() == 0
    page.click("[data-test=step-survey_recorded]")
    page.fill("[data-test=step-report]", "全县合作社40家，团员480名。")
    page.click("[data-test=step-save]")
    page.wait_for_function("document.querySelectorAll("
                           "'[data-test=stepper] .el-step__head.is-success').length === 1")
    # out of order: the approval before the plan is refused with the API's reason
    page.click("[data-test=step-establishment_approved]")
    page.fill("[data-test=step-document]", "团县字〔2026〕1号")
    page.click("[data-test=step-save]")
    error = page.wait_for_selector("[data-test=step-dialog-error]")
    assert "与当前状态冲突" in error.inner_text() and "制定方案" in error.inner_text()
    c.shot("committee-out-of-order")
    page.keyboard.press("Escape")
    assert done.count() == 1
    page.click("[data-test=step-plan_drafted]")
    page.fill("[data-test=step-summary]", "团工委、专业团委、团支部三级。")
    page.click("[data-test=step-save]")
    page.wait_for_function("document.querySelectorAll("
                           "'[data-test=stepper] .el-step__head.is-success').length === 2")
    c.shot("committee-in-order")
    # the refused step's 409 is the only failed request
    assert [e for e in c.errors if "409" not in e] == [], c.errors
    assert len(c.errors) == 1


def test_a_bad_uscc_shows_the_field_error_in_chinese(console, world):
    c = console()
    page = c.signed_in(world["admin"])
    page.click("[data-test=nav-cooperatives]")
    page.click("[data-test=coop-register]")
    for field, value in (("name", "苹果专业合作社"), ("uscc", "93371202MA3C4D5EX9"),
                         ("chair", "王芳"), ("township", "大庄镇"), ("industry", "水果"),
                         ("product", "苹果"), ("mode", "种植")):
        page.fill(f"[data-test=coop-{field}]", value)
    page.click("[data-test=coop-save]")
    error = page.wait_for_selector("[data-test=coop-uscc-item] .el-form-item__error")
    assert "校验码不正确" in error.inner_text()
    c.shot("cooperative-bad-uscc")


def test_a_scoped_branch_secretary_sees_only_the_branch(console, world):
    c = console()
    page = c.signed_in(world["secretary"])
    for name in COUNTY_PAGES:
        assert page.locator(f"[data-test=nav-{name}]").count() == 0, name
    page.goto(c.base + "/committee")  # typed in: sent to a page of theirs instead
    page.wait_for_selector("[data-test=page-home]")
    page.click("[data-test=nav-tree]")
    page.wait_for_selector("[data-test=tree] .el-tree-node")
    assert page.inner_text("[data-test=tree-count]").startswith("1 ")
    page.click("[data-test=nav-members]")
    page.wait_for_selector("[data-test=member-table] .el-table__row")
    rows = page.locator("[data-test=member-table] .el-table__row")
    assert rows.count() == 1
    assert world["member_a"]["name"] in rows.first.inner_text()
    c.shot("scoped-secretary-members")
    assert c.errors == []


def test_a_viewer_sees_no_write_buttons(console, world):
    c = console()
    page = c.signed_in(world["viewer"])
    page.click("[data-test=nav-cooperatives]")
    page.wait_for_selector("[data-test=coop-table]")
    assert page.locator("[data-test=coop-register]").count() == 0
    page.click("[data-test=nav-committee]")
    page.wait_for_selector("[data-test=stepper], .el-empty")
    assert page.locator("[data-test=committee-create]").count() == 0
    assert page.locator("[data-test^=step-]").count() == 0
    page.goto(c.base + f"/tree?root={world['root']}")
    page.wait_for_selector("[data-test=unit-detail]")
    assert page.locator("[data-test=unit-create], [data-test=unit-move]").count() == 0
    c.shot("viewer-tree")
    page.click("[data-test=nav-activities]")
    page.wait_for_selector("[data-test=calendar]")
    assert page.locator("text=记录例会").count() == 0
    assert page.locator("[data-test=nav-users]").count() == 0
    assert c.errors == []


def test_the_tree_slider_shows_an_earlier_tree(console, world):
    c = console()
    page = c.signed_in(world["admin"])
    page.goto(c.base + f"/tree?root={world['root']}")
    page.wait_for_selector("[data-test=tree] .el-tree-node")
    assert page.inner_text("[data-test=tree-count]").startswith("3 ")  # root, A and B
    today = dt.date.today()
    back = (today.year - 2024) * 12 + today.month - 1  # the end of January 2024
    handle = page.locator("[data-test=tree-slider] .el-slider__button-wrapper")
    handle.focus()
    for _ in range(back):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('[data-test=as-of]').innerText"
                           " === '2024-01-31'")
    page.wait_for_function("document.querySelector('[data-test=tree-count]').innerText"
                           ".startsWith('1 ')")
    c.shot("tree-earlier")
    assert c.errors == []


def test_an_export_downloads(console, world):
    c = console()
    page = c.signed_in(world["admin"])
    page.click("[data-test=nav-cooperatives]")
    page.wait_for_selector("[data-test=coop-table] .el-table__row")
    with page.expect_download() as download:
        page.click("[data-test=export-cooperatives-csv]")
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "统一社会信用代码" in content.splitlines()[0]
    assert "大庄镇苹果专业合作社" in content
    assert download.value.suggested_filename.startswith("cooperatives-")
    c.shot("export")


def test_the_public_letter_shows_a_comment_only_after_moderation(console, api, world):
    text = f"希望多组织技术培训 {uuid.uuid4().hex[:6]}"
    public = console(375, 800)  # a villager's phone, not signed in
    page = public.goto(f"/letters/{world['letter_id']}")
    page.wait_for_selector("text=指导各专业团委开展工作")
    assert page.locator("[data-test=page-public-letter] img[alt=QR]").count() == 1
    page.fill("[data-test=comment-text]", text)
    page.fill("[data-test=comment-name]", "村民老李")
    page.click("[data-test=comment-send]")
    page.wait_for_selector("[data-test=comment-sent]")
    page.reload()
    page.wait_for_selector("[data-test=no-comments]")
    assert text not in page.inner_text("body")
    public.shot("public-letter-pending")

    admin = console()
    office = admin.signed_in(world["admin"])
    office.click("[data-test=nav-assessment]")
    office.click(f"[data-test=public-link-{world['letter_id']}] >> xpath=ancestor::tr")
    office.wait_for_selector("[data-test=letter-qr]")
    office.wait_for_selector(f"[data-test=moderation-queue] >> text={text}")
    office.click("[data-test=moderation-queue] [data-test^=accept-]")
    office.wait_for_selector("[data-test=moderation-queue] .el-table__empty-text")
    admin.shot("moderation")

    page.reload()
    page.wait_for_selector(f"[data-test=comment] >> text={text}")
    public.shot("public-letter-accepted")
    assert public.errors == [] and admin.errors == []
    r = requests.get(f"{api.base}/api/v1/public/commitment-letters/{world['letter_id']}",
                     timeout=30)
    assert [c["text"] for c in r.json()["comments"]] == [text]
    assert "contact" not in r.json()["comments"][0]


def test_the_home_page_fits_a_375_pixel_phone(console, world):
    c = console(375, 812)
    page = c.signed_in(world["admin"])
    page.wait_for_selector("[data-test=chart-coverage-township][data-rendered=true]")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide"
    assert page.locator("[data-test=nav-home]").is_visible() is False  # the menu is folded
    c.shot("phone-home")
    assert c.errors == []
