"""The public page's routes: a published letter for anyone, comments after moderation,
limited per address (gateway/routes/public_letters.py)."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.e2e.test_console_kit import published_letter


@pytest.fixture(scope="module")
def letter(api):
    return published_letter(api)


def _public(api, letter_id: str) -> requests.Response:
    return requests.get(f"{api.base}/api/v1/public/commitment-letters/{letter_id}", timeout=30)


def test_a_published_letter_is_public_and_a_draft_is_not(api, letter):
    r = _public(api, letter["letter_id"])
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "published" and len(body["items"]) == 4
    assert "pending_comments" not in body and "committee_id" not in body
    assert _public(api, uuid.uuid4().hex).status_code == 404


def test_comments_are_shown_only_once_accepted_and_limited_per_address(api, letter):
    base = f"{api.base}/api/v1/public/commitment-letters/{letter['letter_id']}/comments"
    bad = requests.post(base, json={"text": ""}, timeout=30)
    assert bad.status_code == 422 and "text" in bad.json()["errors"]
    assert requests.post(base, json={"text": "a\u0000b"}, timeout=30).status_code == 422
    statuses = []
    for i in range(5):
        r = requests.post(base, json={"text": f"意见 {i}", "name": "村民",
                                      "contact": "13900001111"}, timeout=30)
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert int(r.headers["Retry-After"]) >= 1
            break
    assert statuses[0] == 202 and statuses[-1] == 429, statuses
    assert _public(api, letter["letter_id"]).json()["comments"] == []  # none moderated yet
    queue = api.get(f"/api/v1/commitment-letters/{letter['letter_id']}/moderation-queue")
    pending = queue.json()["items"]
    assert len(pending) == statuses.count(202)
    first = pending[0]
    accepted = api.post(f"/api/v1/commitment-letters/{letter['letter_id']}/comments/"
                        f"{first['comment_id']}/accept")
    assert accepted.status_code == 200, accepted.text
    shown = _public(api, letter["letter_id"]).json()["comments"]
    assert [c["text"] for c in shown] == [first["text"]]
    assert "contact" not in shown[0]
