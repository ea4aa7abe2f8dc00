"""Command handlers of the org service: plain functions `(tx, cmd, ctx) -> answer`.

Same shape as assessment's (docs/conventions.md). The cooperatives' commands live here;
the other resources still run their closures in `rpc/`. The USCC uniqueness a handler checks
first is also held by a unique index (`cooperatives_uscc_key`), which the kernel's error
mapping answers as a 409 when two requests race.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Protocol

from eventkit import clock as clocks
from eventkit.errors import RuleViolation
from eventkit.uow import Tx
from services.org.domain.cooperative import Cooperative


class Facts(Protocol):
    def cooperative_with_uscc(self, uscc: str, other_than: str | None = None) -> str | None: ...


@dataclasses.dataclass(frozen=True)
class Context:
    facts: Callable[[Tx], Facts]
    new_id: Callable[[], str] = clocks.new_id


def register_cooperative(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    clash = ctx.facts(tx).cooperative_with_uscc(cmd["uscc"].upper())
    if clash:
        raise RuleViolation("a cooperative with this USCC is already registered",
                            {"uscc": cmd["uscc"], "existing_id": clash})
    coop = tx.add(Cooperative(ctx.new_id()))
    assert isinstance(coop, Cooperative)
    coop.register(**cmd)
    return {"id": coop.id}


def update_cooperative(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    changes = {k: v for k, v in cmd.items() if k != "coop_id"}
    coop = tx.get(Cooperative, cmd["coop_id"], "cooperative")
    if "uscc" in changes and ctx.facts(tx).cooperative_with_uscc(
            changes["uscc"].upper(), other_than=cmd["coop_id"]):
        raise RuleViolation("a cooperative with this USCC is already registered",
                            {"uscc": changes["uscc"]})
    coop.update(**changes)
    return {"id": coop.id}
