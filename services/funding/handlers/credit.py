"""Partner credit commands taken from the League's side: a unit recommends a grant."""

from __future__ import annotations

from typing import Any

from eventkit.errors import InvalidInput
from eventkit.uow import Tx
from services.funding.domain.credit import CreditGrant, grant_aggregate_id
from services.funding.handlers.common import Context


def recommend_grant(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A unit recommends a partner's grant (before or after the partner grants it)."""
    facts = ctx.facts(tx)
    facts.require_unit(cmd["unit_id"], ctx.scope)
    if facts.partner(cmd["partner_id"]) is None:
        raise InvalidInput.field("partner_id", "is not a known partner")
    key = grant_aggregate_id(cmd["partner_id"], cmd["grant_id"])
    grant = tx.load(CreditGrant, key)
    grant.recommend(cmd["unit_id"], cmd["recommended_on"], cmd["note"])
    return {"id": key}
