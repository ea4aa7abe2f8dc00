"""Issue 12 part 6: service requests to the member departments, through the gateway."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.test_org_kit import TODAY, cooperative, create_committee, create_unit, problem

BASE = "/api/v1/service-requests"


@pytest.fixture(scope="module")
def county(api):
    committee = create_committee(api)
    coop = cooperative(api)
    branch = create_unit(api, committee["id"], "branch", cooperative_ids=[coop["id"]])
    other = create_unit(api, committee["id"], "branch")
    return {"committee": committee, "coop": coop, "branch": branch, "other": other,
            "secretary": api.token("league_committee", "editor", unit=branch["id"],
                                   sub="branch-secretary"),
            "tax": api.token("tax", "editor", sub="tax-officer"),
            "agriculture": api.token("agriculture", "editor", sub="agri-officer"),
            "sci": api.token("science_technology", "editor", sub="sci-officer")}


def submit(api, county, kind="tax_relief", **extra):
    body = {"unit_id": county["branch"]["id"], "kind": kind,
            "cooperative_id": county["coop"]["id"], "title": "申请减免增值税",
            "description": "合作社销售自产农产品", **extra}
    r = api.post(BASE, body, token=county["secretary"])
    assert r.status_code == 201, r.text
    assert r.headers["Location"].endswith(r.json()["id"])
    return r.json()


def test_a_request_is_routed_by_its_kind(api, county):
    routing = api.get(f"{BASE}/routing").json()
    table = {row["kind"]: row["department"] for row in routing["routing"]}
    assert table["tax_relief"] == "tax" and table["training"] == "science_technology"
    assert routing["answer_working_days"] == 15 and "周一至周五" in routing["working_days"]
    tax = submit(api, county)
    assert tax["department"] == "tax" and tax["department_label"] == "税务局"
    assert tax["kind_label"] == "税收减免" and tax["status"] == "submitted"
    assert tax["status_label"] == "已提交" and tax["cooperative_name"] == county["coop"]["name"]
    policy = submit(api, county, "policy_support", title="申请农机购置补贴")
    assert policy["department"] == "agriculture"
    young = submit(api, county, "training", cooperative_id=None, title="电商培训",
                   entrepreneur_name="李强")
    assert young["department"] == "science_technology" and young["entrepreneur_id"]
    listed = api.get(BASE, params={"department": "agriculture",
                                   "unit_id": county["branch"]["id"]}).json()["items"]
    assert [r["id"] for r in listed] == [policy["id"]]


def test_only_the_routed_department_accepts_answers_and_closes_in_order(api, county):
    request = submit(api, county)
    url = f"{BASE}/{request['id']}"
    # another department: 403, even in the right order; the League unit may not either
    assert problem(api.post(f"{url}/accept", {}, token=county["agriculture"]), 403)
    problem(api.post(f"{url}/accept", {}, token=county["secretary"]), 403)
    problem(api.post(f"{url}/accept", {}, token=api.token("tax", "viewer")), 403)
    # out of order: 409 with the due step
    out_of_order = problem(api.post(f"{url}/answer", {"answer": "同意", "outcome": "supported"},
                                    token=county["tax"]), 409)
    assert out_of_order["due_step"] == "accept"
    problem(api.post(f"{url}/close", {}, token=county["tax"]), 409)
    r = api.post(f"{url}/accept", {"note": "已受理"}, token=county["tax"])
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
    problem(api.post(f"{url}/accept", {}, token=county["tax"]), 409)
    problem(api.post(f"{url}/answer", {"answer": "同意", "outcome": "supported"},
                     token=county["agriculture"]), 403)
    r = api.post(f"{url}/answer", {"answer": "符合农业生产者销售自产农产品免征增值税条件",
                                   "outcome": "supported"}, token=county["tax"])
    assert r.status_code == 200, r.text
    answered = r.json()
    assert answered["status"] == "answered" and answered["outcome_label"] == "予以支持"
    assert answered["answered_late"] is False
    r = api.post(f"{url}/close", {"note": "已办结"}, token=county["tax"])
    assert r.status_code == 200 and r.json()["status_label"] == "已办结", r.text
    problem(api.post(f"{url}/close", {}, token=county["tax"]), 409)
    # each step is an event in the feed
    from tests.conftest import wait_until

    types = ",".join(("ServiceRequestSubmitted", "ServiceRequestAccepted",
                      "ServiceRequestAnswered", "ServiceRequestClosed"))

    def steps():
        found, after = [], 0
        while True:
            page = api.get("/api/v1/events", params={"types": types, "after": after,
                                                     "limit": 1000}).json()
            found += [e["type"] for e in page["items"]
                      if e["stream_id"] == f"service_request-{request['id']}"]
            if not page["items"] or page["next_after"] <= after:
                return found
            after = page["next_after"]

    wanted = ["ServiceRequestSubmitted", "ServiceRequestAccepted", "ServiceRequestAnswered",
              "ServiceRequestClosed"]
    wait_until(lambda: steps() == wanted, timeout=30)


def test_overdue_answers_are_listed_per_department_as_of_a_day(api, county):
    # submitted on a Monday: 15 working days later is the Monday three weeks on
    request = submit(api, county, "policy_support", title="申请产业扶持项目",
                     submitted_on="2025-03-03")
    assert request["due_on"] == "2025-03-24"

    def ours(as_of):
        r = api.get(f"{BASE}/overdue", params={"as_of": as_of})
        assert r.status_code == 200, r.text
        body = r.json()
        found = [(d["department"], item) for d in body["departments"] for item in d["items"]
                 if item["id"] == request["id"]]
        return body, found

    body, found = ours("2025-03-24")
    assert found == [] and body["answer_working_days"] == 15
    body, found = ours("2025-03-31")
    assert [d for d, _ in found] == ["agriculture"]
    assert found[0][1]["working_days_overdue"] == 5
    agri = next(d for d in body["departments"] if d["department"] == "agriculture")
    assert agri["department_label"] == "农业局" and agri["count"] >= 1
    only_tax = api.get(f"{BASE}/overdue", params={"as_of": "2025-03-31",
                                                 "department": "tax"}).json()
    assert all(d["department"] == "tax" for d in only_tax["departments"])
    # today it is long overdue; once answered (late) it leaves the list
    assert api.get(f"{BASE}/{request['id']}").json()["overdue"] is True
    url = f"{BASE}/{request['id']}"
    assert api.post(f"{url}/accept", {}, token=county["agriculture"]).status_code == 200
    r = api.post(f"{url}/answer", {"answer": "已纳入年度扶持计划", "outcome": "partly_supported"},
                 token=county["agriculture"])
    assert r.status_code == 200 and r.json()["answered_late"] is True, r.text
    assert ours(TODAY.isoformat())[1] == []
    problem(api.get(f"{BASE}/overdue", params={"as_of": "yesterday"}), 422)


def test_the_department_view_and_the_cooperative_show_the_results(api, county):
    request = submit(api, county, "simpler_procedures", title="申请简化变更登记手续")
    url = f"{BASE}/{request['id']}"
    commerce = api.token("commerce", "editor", sub="commerce-officer")
    assert api.post(f"{url}/accept", {}, token=commerce).status_code == 200
    assert api.post(f"{url}/answer", {"answer": "可网上办理，一次办结", "outcome": "supported"},
                    token=commerce).status_code == 200
    view = api.get("/api/v1/departments/commerce/view", token=commerce).json()
    assert view["service_requests"]["by_status"]["answered"] >= 1
    assert request["id"] in [r["id"] for r in view["service_requests"]["latest"]]
    coop = api.get(f"/api/v1/cooperatives/{county['coop']['id']}").json()
    summary = coop["service_requests"]
    latest = {r["id"]: r for r in summary["latest"]}
    assert latest[request["id"]]["answer"] == "可网上办理，一次办结"
    assert summary["total"] >= 1 and summary["by_status"]["answered"] >= 1


def test_the_science_bureau_records_its_training_and_answers_with_it(api, county):
    request = submit(api, county, "training", title="苹果矮砧密植技术培训")
    starts = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    body = {"organizer_unit_ids": [county["branch"]["id"]], "title": "苹果矮砧密植技术培训班",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=3)).isoformat(), "venue": "镇农技站"}
    r = api.post("/api/v1/trainings", body, token=county["sci"])
    assert r.status_code == 201, r.text
    training = r.json()
    assert training["kind"] == "skills_training"
    # the bureau may record trainings, nothing else; others may not record trainings
    problem(api.post("/api/v1/trainings", {**body, "kind": "charity"}, token=county["sci"]), 422)
    problem(api.post("/api/v1/activities", {**body, "kind": "charity"}, token=county["sci"]),
            403)
    problem(api.post("/api/v1/trainings", body, token=county["tax"]), 403)
    url = f"{BASE}/{request['id']}"
    assert api.post(f"{url}/accept", {}, token=county["sci"]).status_code == 200
    r = api.post(f"{url}/answer", {"answer": "已安排技术培训", "outcome": "supported",
                                   "activity_id": training["id"]}, token=county["sci"])
    assert r.status_code == 200 and r.json()["activity_id"] == training["id"], r.text
    view = api.get("/api/v1/departments/science_technology/view", token=county["sci"]).json()
    assert training["id"] in [a["id"] for a in view["trainings"]]


def test_bad_input_and_scope_are_4xx(api, county):
    secretary = county["secretary"]
    good = {"unit_id": county["branch"]["id"], "kind": "tax_relief",
            "cooperative_id": county["coop"]["id"], "title": "x"}
    problem(api.post(BASE, {**good, "kind": "free_lunch"}, token=secretary), 422)
    problem(api.post(BASE, {**good, "cooperative_id": None}, token=secretary), 422)
    problem(api.post(BASE, {**good, "title": ""}, token=secretary), 422)
    problem(api.post(BASE, {**good, "extra": 1}, token=secretary), 422)
    problem(api.post(BASE, {**good, "submitted_on": "2999-01-01"}, token=secretary), 422)
    problem(api.post(BASE, {**good, "unit_id": county["other"]["id"]}, token=secretary), 422)
    problem(api.post(BASE, {**good, "cooperative_id": "nope"}), 422)
    problem(api.post(BASE, good, token=county["tax"]), 403)  # departments answer, not ask
    problem(api.get(f"{BASE}/nope"), 404)
    problem(api.post(f"{BASE}/nope/accept", {}, token=county["tax"]), 404)
    problem(api.get(BASE, params={"status": "lost"}), 422)
    request = submit(api, county)
    problem(api.post(f"{BASE}/{request['id']}/answer", {"answer": "x", "outcome": "maybe"},
                     token=county["tax"]), 422)
    # a branch secretary elsewhere does not see it
    other = api.token("league_committee", "editor", unit=county["other"]["id"], sub="other")
    problem(api.get(f"{BASE}/{request['id']}", token=other), 404)
    assert request["id"] not in [r["id"] for r in
                                 api.get(BASE, token=other).json()["items"]]
