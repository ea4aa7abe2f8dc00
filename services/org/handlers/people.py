"""Personal information (PIPL): a person's erasure, on request or when their retention ends
(the retention run calls `erase_for_retention` per person due)."""

from __future__ import annotations

from typing import Any

from eventkit.errors import NotFound
from eventkit.uow import Tx
from services.org.domain.person import PersonRecord
from services.org.handlers.base import Context


def erase_person(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: person_id, reason, basis. Recorded today (the context's clock), once."""
    person_id = cmd["person_id"]
    today = ctx.clock.today().isoformat()
    if not ctx.facts(tx).person_known(person_id):
        raise NotFound(f"person {person_id} not found")
    record = tx.load(PersonRecord, person_id)
    erased = record.erase(cmd["reason"], today, cmd["basis"])
    return {"person_id": person_id, "erased": erased,
            "on": today if erased else record.erased_on}


def erase_for_retention(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: person_id, reason, on (the run's day)."""
    erased = tx.load(PersonRecord, cmd["person_id"]).erase(cmd["reason"], cmd["on"].isoformat(),
                                                           "retention")
    return {"person_id": cmd["person_id"], "erased": erased}
