"""Demo county, assessment slice: commitment letters of the demo committee's people, public
comments, one assessment round for the last complete year (scores, evidence gathered from the
activities and funding facts, grades, results reported to each member's unit) and
recommendations tracked to their outcome.

Everything goes through the public API with deterministic Idempotency-Keys (they include the
year assessed), so running the demo again in the same year changes nothing.
Reads `state["committee_id"]` and `state["units"]` (deploy/demo/org.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

CATEGORIES = ("common", "post", "practical_deeds", "self_discipline")
COMMITMENTS = {
    "common": ("认真学习团的理论，按时参加每一次主题团日", "全年参加主题团日12次"),
    "post": ("走访联系的合作社，帮助解决实际困难", "每个合作社走访2次，问题15日内答复"),
    "practical_deeds": ("帮助青年社员通过信贷和培训创业致富",
                        "帮助10名青年获得创业贷款，举办培训班2期"),
    "self_discipline": ("遵守廉洁自律各项规定，公开接受群众监督", "无查实的投诉"),
}
LOCAL = dt.timezone(dt.timedelta(hours=8))


def _wait_for_people(client: Any, cid: str, expected: int, timeout: float = 120.0) -> list[dict]:
    """Assessment learns the committee from org's events: wait until it knows everyone."""
    deadline = time.monotonic() + timeout
    people: list[dict] = []
    while time.monotonic() < deadline:
        r = client.session.get(f"{client.base}/api/v1/assessments/committees/{cid}/members",
                               headers={"Authorization": f"Bearer {client.token}"}, timeout=30)
        if r.status_code == 200:
            people = r.json()["items"]
            if len(people) >= expected:
                return people
        time.sleep(0.5)
    raise RuntimeError(f"assessment knows {len(people)} of {expected} committee people")


def _n(person_id: str) -> int:
    """A stable number per person: bodies must not change between runs (idempotency keys)."""
    return int(hashlib.sha1(person_id.encode()).hexdigest()[:8], 16)


def _score(person_id: str, j: int, base: int = 72) -> int:
    return min(100, base + (_n(person_id) * 37 + j * 11) % 27)


def load(client: Any, state: dict) -> None:
    cid = state.get("committee_id")
    if not cid:
        print("demo: assessment: no demo committee (org demo not loaded); skipped")
        return
    year = dt.datetime.now(LOCAL).year - 1
    committee = client.get(f"/committees/{cid}")
    # the secretary may have been moved on (seed_rules): count the people in post
    expected = ((1 if committee.get("secretary") else 0)
                + len(committee.get("deputy_secretaries") or [])
                + len(committee.get("committee_members") or []))
    people = sorted(_wait_for_people(client, cid, expected),
                    key=lambda p: ("secretary" not in p["roles"], p["person_id"]))
    ids = [p["person_id"] for p in people]  # the secretary first: their letter is complete
    secretary = ids[0]

    def key(*parts: Any) -> str:
        return f"demo-assessment-{year}-" + "-".join(str(p) for p in parts)

    # commitment letters: most reach implementation; one stays published, one drafted. Once
    # loaded they are left alone: the people in post change later (seed_rules moves the
    # secretary on, seed_people appoints a member without a letter), which would otherwise
    # shift who drafts only
    loaded = client.get(f"/commitment-letters?committee_id={cid}&year={year}&limit=200")
    letters = {x["member_id"]: x["id"] for x in loaded["items"]}
    fresh = not letters
    for i, person in enumerate(ids if fresh else []):
        letter = client.post("/commitment-letters", {
            "committee_id": cid, "member_id": person, "year": year,
            "drafted_on": f"{year}-01-05"}, key("letter", person))
        letters[person] = letter["id"]
        if i == len(ids) - 1:
            continue  # still a draft
        items = []
        for category in CATEGORIES:
            content, target = COMMITMENTS[category]
            items.append(client.post(f"/commitment-letters/{letter['id']}/items", {
                "category": category, "content": content, "target": target,
                "deadline": f"{year}-12-31"}, key("item", person, category)))
        client.post(f"/commitment-letters/{letter['id']}/submit",
                    {"signed_on": f"{year}-01-10"}, key("submit", person))
        client.post(f"/commitment-letters/{letter['id']}/publish",
                    {"published_on": f"{year}-01-12", "notice_days": 7}, key("publish", person))
        if i == len(ids) - 2:
            continue  # published, never started
        client.post(f"/commitment-letters/{letter['id']}/progress-reports", {
            "item_id": items[2]["item_id"], "reported_on": f"{year}-06-30",
            "text": f"已帮助{3 + _n(person) % 5}名青年获得创业贷款",
            "evidence_links": [f"https://demo.coopleague.example/reports/{year}/{person}"]},
            key("progress", person))

    # public supervision of the secretary's letter
    comments = [("建议把走访过的合作社名单也公开出来", "王大伟",
                 "13905431234", True),
                ("培训班最好办到村里去，方便大家参加", None, None, True),
                ("低价出售化肥农药，欢迎来电", "某农资店", "0634-5551234", False)]
    for n, (text, name, contact, accept) in enumerate(comments if fresh else []):
        comment = client.post(f"/commitment-letters/{letters[secretary]}/comments",
                              {"text": text, "name": name, "contact": contact},
                              key("comment", n))
        if accept:
            client.post(f"/commitment-letters/{letters[secretary]}/comments/"
                        f"{comment['comment_id']}/accept", None, key("accept", n))
        else:
            client.post(f"/commitment-letters/{letters[secretary]}/comments/"
                        f"{comment['comment_id']}/reject", {"reason": "advertising"},
                        key("reject", n))

    # the round
    member_units = [u["id"] for u in committee.get("member_units") or []]
    rnd = client.post("/assessments", {"committee_id": cid, "year": year},
                      key("round", cid))
    rid = rnd["id"]
    # the replayed creation answers "open" again: ask for the round's status now
    if client.get(f"/assessments/{rid}")["status"] == "open":
        for i, person in enumerate(ids):
            # four people stand out (three fit the 30% quota of twelve, one is capped)
            high = 90 if i in (0, 2, 5, 9) else None
            client.post(f"/assessments/{rid}/self-scores",
                        {"member_id": person, "score": _score(person, 0, high or 74)},
                        key("self", person))
            for j in range(1, 5):
                scorer = ids[(i + j) % len(ids)]
                client.post(f"/assessments/{rid}/peer-scores",
                            {"member_id": person, "scorer_id": scorer,
                             "score": _score(person, j, high or 72)},
                            key("peer", person, scorer))
            for j, unit_id in enumerate(member_units[(i % 3) * 2:(i % 3) * 2 + 2]):
                client.post(f"/assessments/{rid}/unit-scores",
                            {"member_id": person, "unit_id": unit_id,
                             "score": _score(person, j + 7, high or 72)},
                            key("unit", person, unit_id))
            for j in range(5):
                client.post(f"/assessments/{rid}/public-ratings",
                            {"member_id": person, "score": _score(person, j + 3, high or 70),
                             "rating_id": f"ballot-{year}-{person}-{j}"},
                            key("public", person, j))
        client.post(f"/assessments/{rid}/close", {}, key("close", rid))
    client.post(f"/assessments/{rid}/grade", None, key("grade", rid), expect=(200, 409))
    reports = client.post(f"/assessments/{rid}/reports", {}, key("reports", rid))
    results = client.get(f"/assessments/{rid}/results?limit=500")["items"]
    ranked = sorted(results, key=lambda r: (r["excellent_rank"] is None,
                                            -float(r["final"] or 0), r["member_id"]))

    # recommendations: the best for Party membership, then a League award and training
    branches = [u["id"] for u in state.get("units", []) if u["kind"] == "branch"]
    if ranked and branches:
        best = ranked[0]
        rec = client.post("/recommendations", {
            "kind": "party_membership", "member_id": best["member_id"], "committee_id": cid,
            "round_id": rid, "reason": "年度考核第一名",
            "party_applied_on": f"{year - 1}-09-01", "proposed_on": f"{year}-12-20"},
            key("rec", "party"))
        # a replayed proposal answers "proposed" again: ask for the status now
        if client.get(f"/recommendations/{rec['id']}")["status"] == "proposed":
            # issue 12: one of the committee's people is voted on by the working committee
            # (its people in post: no more voters than that)
            client.post(f"/recommendations/{rec['id']}/branch-vote", {
                "branch_id": cid, "vote_on": f"{year}-12-27", "voting_members": len(ids),
                "in_favour": len(ids) - 2, "against": 1, "abstain": 1},
                key("vote", rec["id"], "committee"))
            client.post(f"/recommendations/{rec['id']}/submit",
                        {"submitted_on": f"{year}-12-28"}, key("submit-rec", rec["id"]))
            client.post(f"/recommendations/{rec['id']}/outcome",
                        {"outcome": "accepted", "decided_on": f"{year}-12-30",
                         "note": "已列为入党积极分子"}, key("outcome", rec["id"]))
        for kind, pick in (("league_award", 1), ("training", 2)):
            if len(ranked) > pick:
                other = client.post("/recommendations", {
                    "kind": kind, "member_id": ranked[pick]["member_id"],
                    "committee_id": cid, "round_id": rid,
                    "reason": "年度考核成绩优秀",
                    "proposed_on": f"{year}-12-20"}, key("rec", kind))
                if client.get(f"/recommendations/{other['id']}")["status"] == "proposed":
                    client.post(f"/recommendations/{other['id']}/submit",
                                {"submitted_on": f"{year}-12-22"}, key("submit-rec", kind))
    grades: dict[str, int] = {}
    for r in results:
        grades[r["grade"] or "not assessed"] = grades.get(r["grade"] or "not assessed", 0) + 1
    print(f"demo: assessment: {len(letters)} letters, round {year} graded {grades},"
          f" {len(reports['reported']) + len(reports['already_reported'])} results reported")
