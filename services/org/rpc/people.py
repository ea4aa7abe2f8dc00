"""Personal information (PIPL): erasure of a member's or committee appointee's data in every
service (eventkit/people.py). Their copy is the kernel's `person_export` on each service."""

from __future__ import annotations

from typing import Any

from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import load
from services.org import queries as q
from services.org.contract import schemas
from services.org.domain.person import PersonRecord


class PeopleRpc:
    es: Any

    # tables keyed by a person, for their copy (GET /people/{id}/export)
    personal_records = (("member", "members", "id"), ("roles", "member_roles", "member_id"))

    @command
    def erase_person(self, person_id: str, payload: dict,
                     command_id: str | None = None) -> dict:
        """Record PersonErased: each service destroys the person's key (org at once)."""
        data = load(schemas.ErasureIn(), payload)
        today = q.today().isoformat()

        def handle(tx: Tx) -> dict:
            if not q.person_known(tx.cur, person_id):
                raise NotFound(f"person {person_id} not found")
            record = tx.load(PersonRecord, person_id)
            erased = record.erase(data["reason"], today, data["basis"])
            return {"person_id": person_id, "erased": erased,
                    "on": today if erased else record.erased_on}

        return self.es.run(handle, command_id)
