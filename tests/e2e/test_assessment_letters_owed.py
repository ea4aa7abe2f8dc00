"""Issue 12 part 5's last bullet through HTTP: taking a post on the working committee opens
the person's commitment letter for that term; GET /commitment-letters/missing lists the
people whose letter is missing or unpublished past the notice period (default 30 days)."""

from __future__ import annotations

from tests.e2e.test_assessment_recommendation_rules import sync
from tests.e2e.test_assessment_round import CATEGORIES, YEAR, day, ok
from tests.e2e.test_org_kit import TODAY, create_committee, problem

MISSING = "/api/v1/commitment-letters/missing"


def letter(api, cid: str, member: str, publish: bool) -> str:
    body = {"committee_id": cid, "member_id": member, "year": YEAR, "drafted_on": day(1, 5)}
    lid = ok(api.post("/api/v1/commitment-letters", body), 201)["id"]
    if publish:
        for category in CATEGORIES:
            ok(api.post(f"/api/v1/commitment-letters/{lid}/items", {
                "category": category, "content": "带领青年社员发展产业", "target": "4次",
                "deadline": day(12, 31)}), 201)
        ok(api.post(f"/api/v1/commitment-letters/{lid}/submit", {"signed_on": day(1, 6)}))
        ok(api.post(f"/api/v1/commitment-letters/{lid}/publish", {"published_on": day(1, 7)}))
    return lid  # type: ignore[no-any-return]


def test_letters_missing_or_unpublished_after_the_appointment(api) -> None:
    committee = create_committee(api)  # its people took their posts on 2023-12-01
    cid = committee["id"]
    secretary = committee["secretary"]["person_id"]
    deputies = [d["person_id"] for d in committee["deputy_secretaries"]]
    r = api.post(f"/api/v1/committees/{cid}/committee-members", {
        "name": "新委员", "source": "college_graduate_village_official",
        "on": TODAY.isoformat()})
    assert r.status_code == 200, r.text
    newcomer = [m["person_id"] for m in r.json()["committee_members"]
                if m["name"] == "新委员"][0]
    sync(api)
    drafted = letter(api, cid, secretary, publish=False)
    letter(api, cid, deputies[0], publish=True)

    r = api.get(MISSING, params={"committee_id": cid})
    assert r.status_code == 200, r.text  # before issue 12: no such list
    body = r.json()
    assert body["policy"]["letter_notice_days"] == 30
    owed = {x["member_id"]: x for x in body["items"]}
    assert owed[secretary]["state"] == "unpublished" and owed[secretary]["letter_id"] == drafted
    assert owed[secretary]["appointed_on"] == "2023-12-01"
    assert owed[secretary]["due_on"] == "2023-12-31" and owed[secretary]["role"] == "secretary"
    assert all(owed[d]["state"] == "missing" for d in deputies[1:])
    assert deputies[0] not in owed  # published for the term
    assert newcomer not in owed  # appointed today: still within the notice period
    assert {x["committee_id"] for x in body["items"]} == {cid}
    problem(api.get(MISSING, token=api.token("tax", "viewer")), 403)
    problem(api.get(MISSING, params={"committee_id": ""}), 422)
