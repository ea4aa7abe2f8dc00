"""Personal information (PIPL): erasure of a member's or committee appointee's data in every
service (eventkit/people.py). Their copy is the kernel's `person_export` on each service."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from nameko.timer import timer

from eventkit import config
from eventkit.errors import InvalidInput
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import handlers
from services.org import year_queries as yq
from services.org.contract import schemas
from services.org.domain.person import erasure_due_on, parse_retention
from services.org.rpc.common import log

RETENTION_INTERVAL = config.env_float("ORG_RETENTION_INTERVAL_SECONDS", 86400.0)


class PeopleRpc:
    es: Any

    # tables keyed by a person, for their copy (GET /people/{id}/export)
    personal_records = (("member", "members", "id"), ("roles", "member_roles", "member_id"))

    @command
    def erase_person(self, person_id: str, payload: dict,
                     command_id: str | None = None) -> dict:
        """Record PersonErased: each service destroys the person's key (org at once)."""
        cmd = {**load(schemas.ErasureIn, payload), "person_id": person_id}
        return self._run(handlers.erase_person, cmd, command_id)  # type: ignore[no-any-return]

    # -- retention -------------------------------------------------------------------
    @timer(interval=RETENTION_INTERVAL, eager=False)
    def retention_daily(self) -> None:
        result = self._retention(self.clock.today(), dry_run=False)
        log.info("retention run", as_of=result["as_of"], erased=len(result["people"]))

    @command
    def retention_run(self, dry_run: bool = True, as_of: str | None = None) -> dict:
        """Former members past their retention: listed (dry run, optionally as of a future
        day) or erased (today only: an erasure is never brought forward)."""
        if as_of is not None and not dry_run:
            raise InvalidInput.field("as_of", "only a dry run may look at another day")
        try:
            when = dt.date.fromisoformat(as_of) if as_of else self.clock.today()
        except ValueError as exc:
            raise InvalidInput.field("as_of", "must be a date (YYYY-MM-DD)") from exc
        return self._retention(when, dry_run)

    def _retention(self, when: dt.date, dry_run: bool) -> dict:
        retention = parse_retention(os.environ.get("ORG_RETENTION_YEARS"))

        def candidates(cur) -> list[dict[str, Any]]:
            out = []
            for member_id, status, since in yq.former_members(cur, list(retention)):
                due = erasure_due_on(status, since, retention)
                if due is not None and due <= when:
                    out.append({"person_id": member_id, "status": status,
                                "status_since": since.isoformat(), "due_on": due.isoformat()})
            return out

        people = self.es.read(candidates)
        if not dry_run:
            for person in people:
                years = retention[person["status"]]
                reason = f"保存期满：{person['status']} 满 {years} 年（{person['due_on']} 到期）"
                self._run(handlers.erase_for_retention,
                          {"person_id": person["person_id"], "reason": reason, "on": when}, None)
        return {"as_of": when.isoformat(), "dry_run": dry_run, "retention_years": retention,
                "people": people}
