"""Issue 15 for a young entrepreneur (致富骨干, issue 12 part 7): registered in funding, named
in org's service request, erased through POST /people/{id}/erasure (org knows the id from
funding's EntrepreneurRegistered): their name, ID number and phone read 已删除 in funding's
register and applications and in org's service requests, and no clear value stays in any
table of any schema."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import wait_until
from tests.e2e.test_funding_applications import entrepreneur, world  # noqa: F401 - fixture
from tests.e2e.test_personal_erasure import clear_values_found, settled

ERASED = "已删除"


@pytest.fixture(scope="module")
def person(api, world) -> dict[str, Any]:  # noqa: F811 - the fixture imported above
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    young = entrepreneur(api, world, name=f"钱致富{uuid.uuid4().hex[:4]}", phone=phone)
    request = api.post("/api/v1/service-requests", {
        "unit_id": world["branch"], "kind": "tax_relief", "cooperative_id": world["coop"]["id"],
        "entrepreneur_id": young["id"], "entrepreneur_name": young["name"],
        "title": "申请减免增值税", "description": "致富骨干销售自产农产品"})
    assert request.status_code == 201, request.text
    return {**young, "phone": phone, "request_id": request.json()["id"]}


def erase(api, person_id: str):
    return api.post(f"/api/v1/people/{person_id}/erasure",
                    {"reason": "本人申请删除（致富骨干）", "basis": "request"})


def test_an_unknown_id_is_still_404(api):
    r = erase(api, f"nobody-{uuid.uuid4().hex[:8]}")
    assert r.status_code == 404, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_a_young_entrepreneur_is_erased_everywhere(api, platform, world,  # noqa: F811
                                                    person):
    clear = [person["name"], person["id_number"], person["phone"]]
    # the read models hold them until now (funding's register, org's service request)
    assert clear_values_found(platform, clear)
    got = api.get(f"/api/v1/credit/entrepreneurs/{person['id']}").json()
    assert got["name"] == person["name"]
    request = api.get(f"/api/v1/service-requests/{person['request_id']}").json()
    assert request["entrepreneur_name"] == person["name"]

    # org learns the id from funding's event (tracked): until then the id is unknown to org
    result: dict[str, Any] = {}

    def erased() -> bool:
        r = erase(api, person["id"])
        if r.status_code == 404:
            return False
        assert r.status_code == 200, r.text
        result.update(r.json())
        return True

    wait_until(erased, timeout=30, message="org to know the young entrepreneur's id")
    assert result["person_id"] == person["id"] and result["erased"] is True
    wait_until(lambda: settled(api) and not clear_values_found(platform, clear), timeout=60,
               message="no clear value of the young entrepreneur left")

    got = api.get(f"/api/v1/credit/entrepreneurs/{person['id']}").json()
    assert (got["name"], got["id_number_masked"], got["phone_masked"]) == (ERASED,) * 3
    assert got["birth_date"] is None and got["age"] is None
    listed = api.get("/api/v1/credit/entrepreneurs",
                     params={"unit_id": world["branch"], "limit": 500}).json()["items"]
    assert [x["name"] for x in listed if x["id"] == person["id"]] == [ERASED]
    request = api.get(f"/api/v1/service-requests/{person['request_id']}").json()
    assert request["entrepreneur_name"] == ERASED
    assert request["title"] == "申请减免增值税"  # the request itself stays

    again = erase(api, person["id"])
    assert again.status_code == 200 and again.json()["erased"] is False
