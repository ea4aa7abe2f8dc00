"""Helpers for the console's tests (no tests here): a published commitment letter."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from tests.conftest import wait_until
from tests.e2e import test_gateway_kit as kit

COUNTY = dt.timezone(dt.timedelta(hours=8))
ITEMS = (("common", "每月参加团工委工作例会"), ("post", "指导各专业团委开展工作"),
         ("practical_deeds", "为青年社员争取创业贷款"), ("self_discipline", "廉洁自律，接受监督"))


def send(api, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
    """A set-up write, sent again with the same Idempotency-Key while the shared database
    answers 5xx (too many clients on a busy machine): the set-up is not what is tested."""
    key = uuid.uuid4().hex

    def attempt() -> Any:
        r = api.request(method, path, json=body, headers={"Idempotency-Key": key})
        busy = r.status_code >= 500 or r.status_code == 409 and "in progress" in r.text
        return None if busy else [r]  # a list: a 4xx Response is falsy and would be retried

    r = wait_until(attempt, timeout=60, interval=1.0, message=f"{method} {path}")[0]
    assert r.status_code == expect, r.text
    return r.json()


def published_letter(api, committee_id: str | None = None) -> dict[str, Any]:
    """A committee's secretary (张红梅 when it has none yet) with a letter published today."""
    cid = committee_id or kit.committee(api)["id"]
    # An established committee (issue 12: establishment needs its leadership) has one already.
    secretary = send(api, "GET", f"/api/v1/committees/{cid}")["secretary"]
    if secretary is None:
        secretary = send(api, "POST", f"/api/v1/committees/{cid}/secretary",
                         {"name": "张红梅", "from_county_league_committee": True})["secretary"]
    person = secretary["person_id"]

    def known() -> bool:
        r = api.get(f"/api/v1/assessments/committees/{cid}/members")
        return r.status_code == 200 and any(p["person_id"] == person for p in r.json()["items"])

    wait_until(known, timeout=30, message="assessment learns the secretary")
    today = dt.datetime.now(COUNTY).date()
    lid = send(api, "POST", "/api/v1/commitment-letters", {
        "committee_id": cid, "member_id": person, "year": today.year,
        "drafted_on": today.isoformat()}, 201)["id"]
    for category, text in ITEMS:
        send(api, "POST", f"/api/v1/commitment-letters/{lid}/items", {
            "category": category, "content": text, "target": "按期完成",
            "deadline": f"{today.year}-12-31"}, 201)
    send(api, "POST", f"/api/v1/commitment-letters/{lid}/submit",
         {"signed_on": today.isoformat()})
    send(api, "POST", f"/api/v1/commitment-letters/{lid}/publish",
         {"published_on": today.isoformat()})
    return {"committee_id": cid, "person_id": person, "letter_id": lid}
