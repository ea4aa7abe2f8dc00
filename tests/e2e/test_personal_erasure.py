"""Issue 15 through HTTP: a person with events in all four services; their copy holds each
service; erasure destroys their key everywhere: no clear name, resident ID or phone is left
in any table of any schema, nor in the feed or the instance's logs; every view shows 已删除;
the dashboard's counts do not change; a full rebuild keeps it so."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from eventkit.identifiers import ERASED, make_resident_id
from tests.conftest import wait_until
from tests.e2e.conftest import ROOT, cooperative_body
from tests.e2e.conftest import rng as random
from tests.e2e.test_org_kit import establish
from tests.support.documents import docx_text

SCHEMAS = ("org", "activities", "funding", "assessment", "gateway")
SERVICES = ("org", "activities", "funding", "assessment")
YEAR = dt.date.today().year - 1
HAN = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"


def ok(r, status: int = 200) -> Any:
    assert r.status_code == status, f"{r.request.method} {r.url}: {r.status_code} {r.text[:800]}"
    return r.json()


def settled(api) -> bool:
    """Every service has applied every event of the services it tracks."""
    services = api.get("/health").json()["services"]
    return all(position >= services[source]["head"]
               for s in services.values() for source, position in s["tracking"].items())


@pytest.fixture(scope="module")
def outbound(platform):
    """Every message to departments.outbound from before the person is created."""
    import amqp

    from eventkit.amqp_uri import connection_args

    conn = amqp.Connection(**connection_args(platform["AMQP_URI"]))
    conn.connect()
    ch = conn.channel()
    ch.exchange_declare("departments.outbound", "topic", durable=True, auto_delete=False)
    queue, _, _ = ch.queue_declare("", exclusive=True)
    ch.queue_bind(queue, "departments.outbound", "#")
    received: list[tuple[str, dict[str, Any]]] = []

    def drain() -> list[tuple[str, dict[str, Any]]]:
        while (msg := ch.basic_get(queue, no_ack=True)) is not None:
            received.append((msg.delivery_info["routing_key"], json.loads(msg.body)))
        return received

    yield drain
    conn.close()


@pytest.fixture(scope="module")
def person(api, outbound) -> dict[str, Any]:
    code = f"{random.randint(100000, 999999)}"
    name = "".join(random.choice(HAN) for _ in range(4))  # 4 characters: unique in practice
    phone = "139" + "".join(str(random.randint(0, 9)) for _ in range(8))
    born = dt.date(YEAR - 22, random.randint(1, 12), random.randint(1, 28))
    resident_id = make_resident_id("371202", born, f"{random.randint(100, 999)}")
    committee = ok(api.post("/api/v1/committees", {
        "name": f"删除测试团工委 {code}", "county": "测试县", "county_code": code,
        "on": f"{YEAR - 1}-01-01"}), 201)
    cid = committee["id"]
    # issue 12: units only under an approved committee; the committee member the approval
    # needed leaves again, so the one below is the committee's only 委员
    established = establish(api, cid, on=f"{YEAR - 2}-12-01", founded_on=f"{YEAR - 2}-12-20")
    for m in established["committee_members"]:
        ok(api.post(f"/api/v1/committees/{cid}/leadership-removals", {
            "post": "committee_member", "person_id": m["person_id"], "on": f"{YEAR - 2}-12-21"}))
    coop = ok(api.post("/api/v1/cooperatives", cooperative_body()), 201)
    branch = ok(api.post("/api/v1/units", {
        "name": f"删除测试支部 {code}", "kind": "branch", "parent_id": cid,
        "formation_mode": "standalone", "cooperative_ids": [coop["id"]],
        "on": f"{YEAR - 1}-01-01"}), 201)
    member = ok(api.post("/api/v1/members", {
        "kind": "league_member", "name": name, "sex": None, "ethnicity": "汉族",
        "resident_id": resident_id, "phone": phone, "unit_id": branch["id"],
        "join_date": f"{YEAR - 2}-05-04"}), 201)
    mid = member["id"]
    # the member also sits on the committee (their member id as the person id)
    ok(api.post(f"/api/v1/committees/{cid}/committee-members", {
        "name": name, "source": "college_graduate_village_official", "person_id": mid}))
    # an issued document naming them (kept as issued: its names sealed per person)
    ok(api.post(f"/api/v1/committees/{cid}/documents/establishment-notice/issue"), 201)
    wait_until(lambda: settled(api), timeout=60, message="services learn the member")
    ok(api.post("/api/v1/wechat-groups", {
        "unit_id": branch["id"], "name": f"青年群 {code}", "admin_name": name,
        "admin_member_id": mid, "member_count": 30, "as_of": f"{YEAR}-03-01"}), 201)
    ok(api.post("/api/v1/meetings", {
        "meeting_type": "branch_monthly_youth_exchange", "unit_id": branch["id"],
        "held_on": f"{YEAR}-03-05", "attendee_member_ids": [mid], "absentees": [],
        "topics": ["苹果价格"], "resolutions": ["合租货车"], "minutes": "在包装棚开会。"}), 201)
    ok(api.post("/api/v1/dues/accounts", {"member_id": mid, "category": "student",
                                          "from_month": f"{YEAR + 1}-01"}), 201)
    ok(api.post("/api/v1/commitment-letters", {
        "committee_id": cid, "member_id": mid, "year": YEAR,
        "drafted_on": f"{YEAR}-01-05"}), 201)
    wait_until(lambda: settled(api), timeout=60, message="every service applies the events")
    return {"id": mid, "name": name, "phone": phone, "resident_id": resident_id,
            "committee_id": cid, "unit_id": branch["id"]}


def _db(platform):
    return psycopg2.connect(platform["DATABASE_URL"])


def clear_values_found(platform, values: list[str]) -> list[str]:
    """Every (schema.table, value) where a row's text holds one of `values`."""
    found = []
    conn = _db(platform)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT table_schema, table_name FROM information_schema.tables"
                        " WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE'",
                        (list(SCHEMAS),))
            for schema, table in cur.fetchall():
                for value in values:
                    cur.execute(f'SELECT count(*) FROM "{schema}"."{table}" t'
                                " WHERE t::text LIKE %s", (f"%{value}%",))
                    if cur.fetchone()[0]:
                        found.append(f"{schema}.{table}: {value}")
    finally:
        conn.close()
    return found


def logs_holding(platform, values: list[str]) -> list[str]:
    out = []
    for path in sorted(Path(platform["VAR"], "log").glob("*.log")):
        text = path.read_text(errors="replace")
        out += [f"{path.name}: {v}" for v in values if v in text]
    return out


def feed_about(api, person_id: str) -> list[dict[str, Any]]:
    """The event feed's rows of or about the person, paging to its head."""
    out, after = [], 0
    while True:
        page = ok(api.get(f"/api/v1/events?after={after}&limit=1000"))
        out += [e for e in page["items"] if person_id in json.dumps(e)]
        if not page["items"]:
            return out
        after = page["next_after"]


def counts(api) -> dict[str, Any]:
    """The dashboard's figures (everything but when it was computed)."""
    body = ok(api.get("/api/v1/dashboard"))
    return {k: v for k, v in body.items() if not k.endswith("_at") and k != "as_of"}


def test_copy_holds_every_service(api, person) -> None:
    copy = ok(api.get(f"/api/v1/people/{person['id']}/export"))
    assert set(copy["services"]) == set(SERVICES)
    for service in SERVICES:
        assert copy["services"][service]["events"], f"{service} holds no event of the person"
    registered = [e for e in copy["services"]["org"]["events"]
                  if e["type"] == "MemberRegistered"]
    assert registered[0]["data"]["name"] == person["name"]
    assert registered[0]["data"]["resident_id"] == person["resident_id"]  # their own copy
    assert copy["services"]["org"]["records"]["member"][0]["id"] == person["id"]
    page = api.get(f"/api/v1/people/{person['id']}/export.html")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert person["name"] in page.text and "个人信息副本" in page.text
    viewer = api.token("league_committee", "viewer")
    assert api.get(f"/api/v1/people/{person['id']}/export", token=viewer).status_code == 403


def test_events_at_rest_hold_no_clear_personal_value(platform, person) -> None:
    conn = _db(platform)
    try:
        with conn.cursor() as cur:
            found = []
            for schema in SERVICES:
                cur.execute(f'SELECT count(*) FROM "{schema}".events WHERE data::text LIKE %s'
                            " OR data::text LIKE %s", (f"%{person['resident_id']}%",
                                                       f"%{person['phone']}%"))
                found += [schema] * cur.fetchone()[0]
    finally:
        conn.close()
    assert found == []


def test_outbound_messages_hold_no_id_number_or_phone(person, outbound) -> None:
    from gateway import policy
    from gateway.auth import Principal

    def about_person():
        return [(k, b) for k, b in outbound() if person["id"] in json.dumps(b)]

    messages = wait_until(about_person, timeout=60, message="the person's events published")
    for key, body in outbound():
        text = json.dumps(body, ensure_ascii=False)
        assert person["resident_id"] not in text and person["phone"] not in text, key
        department = key.split(".", 1)[0]
        if person["name"] in text:  # only to departments that may read members' data
            assert policy.allowed(Principal("t", department, "viewer"), "members.read"), key
    assert messages


def test_erasure_refusals_change_nothing(api, person) -> None:
    path = f"/api/v1/people/{person['id']}/erasure"
    assert api.post(path, {}).status_code == 422  # a reason is required
    assert api.post(path, {"reason": "本人申请"},
                    token=api.token("league_committee", "editor")).status_code == 403
    assert api.post(path, {"reason": "本人申请"},
                    token=api.token("organization", "admin")).status_code == 403
    assert api.post("/api/v1/people/nobody-at-all/erasure",
                    {"reason": "本人申请"}).status_code == 404
    assert ok(api.get(f"/api/v1/members/{person['id']}"))["name"] == person["name"]


def test_erasure_everywhere_and_after_a_rebuild(api, platform, person) -> None:
    wait_until(lambda: settled(api), timeout=60, message="a quiet platform")
    before = counts(api)
    values = [person["name"], person["resident_id"], person["phone"]]
    assert clear_values_found(platform, values)  # the read models held them until now
    notice = api.get(f"/api/v1/committees/{person['committee_id']}/documents/"
                     "establishment-notice.docx")
    assert notice.status_code == 200 and person["name"] in docx_text(notice.content)
    hash_before = notice.headers["X-Text-Hash"]

    r = ok(api.post(f"/api/v1/people/{person['id']}/erasure",
                    {"reason": "本人申请删除（个人信息保护法第四十七条）"}))
    assert r["erased"] is True
    again = ok(api.post(f"/api/v1/people/{person['id']}/erasure", {"reason": "再次申请"}))
    assert again["erased"] is False and again["on"] == r["on"]

    wait_until(lambda: settled(api) and not clear_values_found(platform, values), timeout=60,
               message="every service and the feed erase the person")
    member = ok(api.get(f"/api/v1/members/{person['id']}"))
    assert {member[k] for k in ("name", "resident_id", "phone", "birth_date")} == {ERASED}
    committee = ok(api.get(f"/api/v1/committees/{person['committee_id']}"))
    assert [m["name"] for m in committee["committee_members"]] == [ERASED]
    groups = ok(api.get(f"/api/v1/wechat-groups?unit_id={person['unit_id']}"))["items"]
    assert [g["admin_name"] for g in groups] == [ERASED]
    copy = ok(api.get(f"/api/v1/people/{person['id']}/export"))
    assert person["name"] not in json.dumps(copy, ensure_ascii=False)
    assert all(copy["services"][s]["key"]["erased"] for s in SERVICES
               if copy["services"][s]["key"])
    feed = feed_about(api, person["id"])
    text = json.dumps(feed, ensure_ascii=False)
    assert person["name"] not in text and '"PersonErased"' in text
    erased = [e for e in feed if e["type"] == "PersonErased"
              and e["data"]["person_id"] == person["id"]]
    assert erased and erased[0]["actor"]  # audited: who asked, and why
    assert counts(api) == before
    assert logs_holding(platform, values) == []
    # the issued document keeps its number and prints 已删除 in place of the name
    notice = api.get(f"/api/v1/committees/{person['committee_id']}/documents/"
                     "establishment-notice.docx")
    assert notice.status_code == 200 and notice.headers.get("X-Document-Number")
    text = docx_text(notice.content)
    assert person["name"] not in text and ERASED in text
    assert notice.headers["X-Text-Hash"] != hash_before  # the text printed is not the issued

    for service in SERVICES:
        subprocess.run([sys.executable, "-m", "eventkit.rebuild", service], env=platform,
                       cwd=ROOT, check=True, capture_output=True)
    assert clear_values_found(platform, values) == []
    member = ok(api.get(f"/api/v1/members/{person['id']}"))
    assert member["name"] == ERASED and member["resident_id"] == ERASED
    groups = ok(api.get(f"/api/v1/wechat-groups?unit_id={person['unit_id']}"))["items"]
    assert [g["admin_name"] for g in groups] == [ERASED]
    assert counts(api) == before


def test_retention_dry_run_lists_former_members_when_due_and_erases_nothing(api, person):
    member = ok(api.post("/api/v1/members", {
        "kind": "young_person", "name": "留存测试", "sex": None, "ethnicity": "汉族",
        "resident_id": make_resident_id("371202", dt.date(YEAR - 25, 3, 3),
                                        f"{random.randint(100, 999)}"),
        "unit_id": person["unit_id"], "join_date": f"{YEAR - 2}-05-04"}), 201)
    ok(api.post(f"/api/v1/members/{member['id']}/leave", {"reason": "外出务工"}))
    today = ok(api.get("/api/v1/people/retention"))
    assert today["dry_run"] is True and today["retention_years"]["left"] >= 1
    assert member["id"] not in [p["person_id"] for p in today["people"]]
    later = dt.date.today() + dt.timedelta(days=366 * (today["retention_years"]["left"] + 1))
    due = ok(api.get(f"/api/v1/people/retention?as_of={later.isoformat()}"))
    listed = {p["person_id"]: p for p in due["people"]}
    assert listed[member["id"]]["status"] == "left"
    assert api.get("/api/v1/people/retention?as_of=someday").status_code == 422
    run = ok(api.post("/api/v1/people/retention-runs"))
    assert member["id"] not in [p["person_id"] for p in run["people"]]
    assert ok(api.get(f"/api/v1/members/{member['id']}"))["name"] == "留存测试"
    viewer = api.token("league_committee", "editor")
    assert api.get("/api/v1/people/retention", token=viewer).status_code == 403
