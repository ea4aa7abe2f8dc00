"""Member transfers between units, and the dashboard."""

from __future__ import annotations

from typing import Any

from eventkit import pagination
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import handlers
from services.org import list_queries as lq
from services.org import queries as q
from services.org.contract import schemas


class TransfersRpc:
    es: Any

    # -- transfers -------------------------------------------------------------------
    @command
    def request_transfer(self, payload: dict, command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        """By the sending unit: the member's unit must be within the caller's scope."""
        cmd = load(schemas.TransferIn, payload)
        cmd["on"] = self._day(cmd["on"])
        result = self._run(handlers.request_transfer, cmd, command_id, scope)
        return self.get_transfer(result["id"])

    def _decide(self, handler: Any, transfer_id: str, cmd: dict, command_id: str | None,
                scope: list[str] | None) -> dict:
        """By the receiving unit (the handler checks the transfer's target is in scope)."""
        cmd["on"] = self._day(cmd["on"])
        self._run(handler, {**cmd, "transfer_id": transfer_id}, command_id, scope)
        return self.get_transfer(transfer_id)

    @command
    def approve_transfer(self, transfer_id: str, payload: dict, command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        return self._decide(handlers.approve_transfer, transfer_id,
                            load(schemas.TransferDecisionIn, payload), command_id, scope)

    @command
    def reject_transfer(self, transfer_id: str, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        return self._decide(handlers.reject_transfer, transfer_id,
                            load(schemas.TransferRejectIn, payload), command_id, scope)

    @command
    def get_transfer(self, transfer_id: str, scope: list[str] | None = None) -> dict:
        transfer = self.es.read(lambda cur: q.load_transfer(cur, transfer_id))
        if transfer is None or (scope is not None and transfer["from_unit_id"] not in scope
                                and transfer["to_unit_id"] not in scope):
            raise NotFound(f"transfer {transfer_id} not found")
        return transfer

    @command
    def list_transfers(self, filters: dict | None = None, limit: int = 50,
                       cursor: str | None = None, scope: list[str] | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        return pagination.page(self.es.read(
            lambda cur: lq.transfers(cur, filters or {}, after, limit, scope)), limit)

    # -- dashboard -------------------------------------------------------------------
    @command
    def dashboard_summary(self, scope: list[str] | None = None) -> dict:
        return self.es.read(lambda cur: lq.dashboard(cur, scope))  # type: ignore[no-any-return]
