"""Numbers of issued documents under concurrency: consecutive per issuer and year, one issue
per document (gateway/documents/numbering.py on a real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

from gateway.documents import numbering
from gateway.documents.model import Block, Document
from tests.integration.gateway.test_feed_store import gw as gw  # noqa: F401 (the fixture)

DAY = dt.date(2026, 5, 1)


def _issue(pool, resource_id: str, kind: str = "request", day: dt.date = DAY):
    return numbering.issue(
        pool, kind=kind, resource_type="committee", resource_id=resource_id,
        issuer="working_committee", actor="tester", today=day,
        compose=lambda number: Document(kind=kind, title="请示", number=number,
                                        blocks=[Block("p", resource_id)], official=True))


def test_concurrent_issues_get_consecutive_numbers_and_one_issue_per_document(gw) -> None:
    resources = [uuid.uuid4().hex for _ in range(8)]
    results: list = []
    lock = threading.Lock()

    def run(resource_id: str) -> None:
        record = _issue(gw, resource_id)
        with lock:
            results.append(record)

    # every resource twice, all at once
    threads = [threading.Thread(target=run, args=(r,)) for r in resources * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    by_resource: dict[str, set] = {}
    for record, _new in results:
        by_resource.setdefault(record["resource_id"], set()).add(record["number"])
    assert all(len(numbers) == 1 for numbers in by_resource.values())  # one issue each
    assert sum(1 for _, new in results if new) == 8
    sequences = sorted(r["sequence"] for r, new in results if new)
    assert sequences == list(range(1, 9))
    assert {r["number"] for r, _ in results} == {f"莱合团工委发〔2026〕{n}号" for n in range(1, 9)}
    # another year starts again at 1; the record keeps the text's hash
    record, new = _issue(gw, uuid.uuid4().hex, day=dt.date(2027, 1, 2))
    assert new and record["sequence"] == 1 and record["number"] == "莱合团工委发〔2027〕1号"
    assert len(record["text_hash"]) == 64 and record["document"]["number"] == record["number"]
