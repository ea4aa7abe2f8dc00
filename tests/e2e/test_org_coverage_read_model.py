"""Issue 16: the cooperatives' coverage kept on their rows (services/org/coverage.py) answers,
through the gateway, what the old per-page queries answer (tests/support/coverage_oracle.py,
run on the instance's database) after each kind of event that changes it."""

from __future__ import annotations

import uuid

import pytest

from eventkit import db
from services.org import queries as q
from tests.e2e.test_org_kit import cooperative, create_committee, create_unit, register
from tests.support.coverage_oracle import old_answers, old_has_league_org_ids


@pytest.fixture
def oracle(platform):
    conn = db.connect(platform["DATABASE_URL"], "org")
    conn.autocommit = True
    yield conn
    conn.close()


def check(api, oracle, township: str, coop_ids: list[str]) -> dict[str, tuple[list[str], bool]]:
    """The list (a page of 2 at a time), each cooperative's view, the has_league_org filter
    and the coverage report of the township agree with the old queries."""
    floor = q.POLICY.branch_min_league_members
    with oracle.cursor() as cur:
        expected = old_answers(cur, floor, sorted(coop_ids))
        old_true = set(old_has_league_org_ids(cur, floor, True)) & set(coop_ids)
    items, cursor = [], None
    while True:
        page = api.get(f"/api/v1/cooperatives?township={township}&limit=2"
                       + (f"&cursor={cursor}" if cursor else "")).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    listed = {c["id"]: (c["covering_unit_ids"], c["has_league_org"]) for c in items}
    assert listed == expected
    for coop_id in coop_ids:
        view = api.get(f"/api/v1/cooperatives/{coop_id}").json()
        assert (view["covering_unit_ids"], view["has_league_org"]) == expected[coop_id]
    for value, ids in (("true", old_true), ("false", set(coop_ids) - old_true)):
        r = api.get(f"/api/v1/cooperatives?township={township}&has_league_org={value}").json()
        assert [c["id"] for c in r["items"]] == sorted(ids)
    row = {g["key"]: g for g in api.get("/api/v1/coverage").json()["by_township"]}[township]
    assert (row["cooperatives"], row["with_league_org"]) == (len(coop_ids), len(old_true))
    return listed


def post(api, path: str, body: dict) -> dict:
    r = api.post(path, body)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


def test_coverage_through_every_kind_of_change(api, oracle):
    township = f"读模型-{uuid.uuid4().hex[:6]}"
    coops = [cooperative(api, township=township, league_org_present=False)["id"]
             for _ in range(4)]
    a, b, c, d = coops
    check(api, oracle, township, coops)
    cid = create_committee(api)["id"]

    # a new branch covering a cooperative, a general branch above another
    gb = create_unit(api, cid, "general_branch", cooperative_ids=[b])["id"]
    br = create_unit(api, gb, "branch", cooperative_ids=[a])["id"]
    other = create_unit(api, gb, "branch", cooperative_ids=[c])["id"]
    assert check(api, oracle, township, coops)[a] == ([br], False)

    # members reach the floor, then one leaves
    members = [register(api, br)["id"] for _ in range(3)]
    answers = check(api, oracle, township, coops)
    assert answers[a][1] and answers[b][1] and not answers[c][1]
    post(api, f"/api/v1/members/{members[0]}/leave", {"reason": "moved away"})
    assert not check(api, oracle, township, coops)[a][1]

    # a transfer to the other branch
    t = post(api, "/api/v1/transfers", {"member_id": members[1], "to_unit_id": other})
    post(api, f"/api/v1/transfers/{t['id']}/approve", {})
    check(api, oracle, township, coops)

    # a unit's cooperatives changed, a subtree moved, a merge, a dissolution
    post(api, f"/api/v1/units/{other}/coverage", {"cooperative_ids": [c, d]})
    register(api, other)
    register(api, other)
    answers = check(api, oracle, township, coops)
    assert answers[d] == ([other], True)
    post(api, f"/api/v1/units/{other}/move", {"parent_id": cid})
    check(api, oracle, township, coops)
    post(api, f"/api/v1/units/{br}/merge", {"target_unit_id": other})
    answers = check(api, oracle, township, coops)
    assert br not in answers[a][0]
    empty = create_unit(api, cid, "branch", cooperative_ids=[a])["id"]
    check(api, oracle, township, coops)
    post(api, f"/api/v1/units/{empty}/dissolve", {"reason": "cooperative closed"})
    assert check(api, oracle, township, coops)[a] == ([], False)

    # the cooperative's own flag
    r = api.patch(f"/api/v1/cooperatives/{a}", {"league_org_present": True})
    assert r.status_code == 200, r.text
    assert check(api, oracle, township, coops)[a] == ([], True)
