"""Cooperatives: registration and updates. The USCC uniqueness checked here
(`domain/uniqueness.py`) is also held by a unique index (`cooperatives_uscc_key`), which the
kernel's error mapping answers as a 409 when two requests race."""

from __future__ import annotations

from typing import Any

from eventkit.uow import Tx
from services.org.domain.cooperative import Cooperative
from services.org.domain.uniqueness import ensure_uscc_free
from services.org.handlers.base import Context


def register_cooperative(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    ensure_uscc_free(cmd["uscc"], ctx.facts(tx).cooperative_with_uscc(cmd["uscc"].upper()))
    coop = tx.add(Cooperative(ctx.new_id()))
    assert isinstance(coop, Cooperative)
    coop.register(**cmd)
    return {"id": coop.id}


def update_cooperative(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    changes = {k: v for k, v in cmd.items() if k != "coop_id"}
    coop = tx.get(Cooperative, cmd["coop_id"], "cooperative")
    if "uscc" in changes:
        ensure_uscc_free(changes["uscc"], ctx.facts(tx).cooperative_with_uscc(
            changes["uscc"].upper(), other_than=cmd["coop_id"]), name_existing=False)
    coop.update(**changes)
    return {"id": coop.id}
