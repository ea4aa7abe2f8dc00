"""Issue 15 after the whole demo county: the instance's logs and the messages to
departments.outbound hold no member's ID number or phone, and names only for departments
that may read members' data; erasing a demo member with events in all four services leaves no
clear value of theirs in any table, and the dashboard's counts do not change.

It loads the demo county into the test instance, so it runs after every other test
(`after_all`, tests/conftest.py): the others' exact lists never see the demo's data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from typing import Any

import psycopg2
import pytest

from tests.conftest import wait_until
from tests.e2e.conftest import ROOT
from tests.e2e.test_personal_erasure import (  # noqa: F401 (outbound: the fixture)
    clear_values_found,
    counts,
    logs_holding,
    ok,
    outbound,
    settled,
)

pytestmark = [pytest.mark.after_all, pytest.mark.timeout(1500)]


@pytest.fixture(scope="module")
def demo(api, platform, outbound) -> dict[str, Any]:  # noqa: F811 (the imported fixture)
    loaded = subprocess.run([sys.executable, "-m", "deploy.demo"], env=platform, cwd=ROOT,
                            capture_output=True, text=True, timeout=1200)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    conn = psycopg2.connect(platform["DATABASE_URL"])
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id, name, resident_id, phone FROM org.members"
                        " WHERE name <> '已删除'")
            members = [dict(zip(("id", "name", "resident_id", "phone"), r, strict=True))
                       for r in cur.fetchall()]
            # a League member with dues (funding) and meetings (activities) ...
            cur.execute("SELECT m.id, m.name FROM org.members m"
                        " JOIN funding.dues_accounts d ON d.member_id = m.id"
                        " WHERE EXISTS (SELECT 1 FROM activities.events e"
                        "   WHERE e.data::text LIKE '%' || m.id || '%')"
                        " ORDER BY m.id LIMIT 1")
            row = cur.fetchone()
            cur.execute("SELECT id FROM org.committees WHERE steps ? 'founding_conference_held'"
                        " ORDER BY name LIMIT 1")
            committee = cur.fetchone()
    finally:
        conn.close()
    assert len(members) >= 100 and row is not None and committee is not None, "the demo"
    # ... who also sits on the working committee with a commitment letter (assessment)
    ok(api.post(f"/api/v1/committees/{committee[0]}/committee-members", {
        "name": row[1], "source": "college_graduate_village_official", "person_id": row[0]}))
    wait_until(lambda: settled(api), timeout=120, message="assessment learns the appointment")
    year = dt.date.today().year
    ok(api.post("/api/v1/commitment-letters", {
        "committee_id": committee[0], "member_id": row[0], "year": year,
        "drafted_on": f"{year}-01-05"}), 201)
    return {"members": members, "everywhere": row[0]}


def test_logs_hold_no_id_number_phone_or_name_of_a_demo_member(platform, demo) -> None:
    ids = [m["resident_id"] for m in demo["members"] if m["resident_id"]]
    phones = [m["phone"] for m in demo["members"] if m["phone"]]
    names = sorted({m["name"] for m in demo["members"] if m["name"]})
    assert len(ids) >= 100 and len(names) >= 20  # the demo draws names from 20
    assert logs_holding(platform, ids + phones) == []
    assert logs_holding(platform, names) == []


def test_outbound_messages_after_the_demo(demo, outbound) -> None:  # noqa: F811
    from gateway import policy
    from gateway.auth import Principal

    messages = wait_until(outbound, timeout=60, message="messages to departments.outbound")
    ids = {m["resident_id"] for m in demo["members"] if m["resident_id"]}
    phones = {m["phone"] for m in demo["members"] if m["phone"]}
    name_of = {m["id"]: m["name"] for m in demo["members"] if m["name"]}
    for key, body in messages:
        text = json.dumps(body, ensure_ascii=False)
        assert not set(re.findall(r"\d{11,17}[\dX]?", text)) & (ids | phones), key
        department = key.split(".", 1)[0]
        if not policy.allowed(Principal("t", department, "viewer"), "members.read"):
            # a message about a member carries no name of theirs (the demo's cooperatives'
            # chairs are public registration data and share the members' 20 names)
            about = [mid for mid in re.findall(r"[0-9a-f]{32}", text) if mid in name_of]
            assert not [name_of[mid] for mid in about if name_of[mid] in text], key


def figures(api) -> dict[str, Any]:
    """The dashboard's numbers and the lengths of its lists (the lists name people, whom an
    erasure renames 已删除 and so may reorder)."""
    out: dict[str, Any] = {}

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{path}.{key}", inner)
        elif isinstance(value, list):
            out[path + "[]"] = len(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[path] = value

    walk("", counts(api))
    return out


def test_erasing_a_demo_member_everywhere_keeps_the_counts(api, platform, demo) -> None:
    member_id = demo["everywhere"]
    person = next(m for m in demo["members"] if m["id"] == member_id)
    # the ID number and phone are the person's alone; the demo's names are shared by 30
    # members each, so the name is checked where it is this person's
    values = [v for v in (person["resident_id"], person["phone"]) if v]
    wait_until(lambda: settled(api), timeout=120, message="a quiet platform")
    before = figures(api)
    assert len(before) > 20 and clear_values_found(platform, values)
    ok(api.post(f"/api/v1/people/{member_id}/erasure", {"reason": "演示：本人申请删除"}))
    wait_until(lambda: settled(api) and not clear_values_found(platform, values),
               timeout=120, message="every service erases the demo member")
    assert ok(api.get(f"/api/v1/members/{member_id}"))["name"] == "已删除"
    copy = json.dumps(ok(api.get(f"/api/v1/people/{member_id}/export")), ensure_ascii=False)
    assert person["name"] not in copy and person["resident_id"] not in copy
    assert figures(api) == before
    assert logs_holding(platform, values) == []
