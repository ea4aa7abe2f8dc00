"""Member transfers between units, and the dashboard."""

from __future__ import annotations

from typing import Any

from eventkit import pagination
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import handlers
from services.org import queries as q
from services.org import year_queries as yq
from services.org.contract import enums, schemas


class TransfersRpc:
    es: Any

    # -- transfers -------------------------------------------------------------------
    @command
    def request_transfer(self, payload: dict, command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        """By the sending unit: the member's unit must be within the caller's scope."""
        cmd = load(schemas.TransferIn(), payload)
        cmd["on"] = q.day(cmd["on"])
        result = self._run(handlers.request_transfer, cmd, command_id, scope)
        return self.get_transfer(result["id"])

    def _decide(self, handler: Any, transfer_id: str, cmd: dict, command_id: str | None,
                scope: list[str] | None) -> dict:
        """By the receiving unit (the handler checks the transfer's target is in scope)."""
        cmd["on"] = q.day(cmd["on"])
        self._run(handler, {**cmd, "transfer_id": transfer_id}, command_id, scope)
        return self.get_transfer(transfer_id)

    @command
    def approve_transfer(self, transfer_id: str, payload: dict, command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        return self._decide(handlers.approve_transfer, transfer_id,
                            load(schemas.TransferDecisionIn(), payload), command_id, scope)

    @command
    def reject_transfer(self, transfer_id: str, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        return self._decide(handlers.reject_transfer, transfer_id,
                            load(schemas.TransferRejectIn(), payload), command_id, scope)

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
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        where, args = [], []
        for key in ("status", "member_id", "from_unit_id", "to_unit_id"):
            if filters.get(key):
                where.append(f"{key} = %s")
                args.append(filters[key])
        if filters.get("unit_id"):
            where.append("(from_unit_id = %s OR to_unit_id = %s)")
            args += [filters["unit_id"], filters["unit_id"]]
        if scope is not None:
            where.append("(from_unit_id = ANY(%s) OR to_unit_id = ANY(%s))")
            args += [scope, scope]
        if after:
            where.append("id > %s")
            args.append(after)
        sql = q.TRANSFER_SELECT + (" WHERE " + " AND ".join(where) if where else "")

        def query(cur) -> list[dict]:
            cur.execute(sql + " ORDER BY id LIMIT %s", (*args, limit + 1))
            return [q.transfer_view(r) for r in cur.fetchall()]

        return pagination.page(self.es.read(query), limit)

    # -- dashboard -------------------------------------------------------------------
    @command
    def dashboard_summary(self, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict:
            where, args = "", []
            if scope is not None:
                where, args = " AND id = ANY(%s)", [scope]
            cur.execute("SELECT kind, count(*) FROM units WHERE status = 'active'" + where
                        + " GROUP BY kind", args)
            by_kind = {k: 0 for k in enums.UNIT_KINDS}
            by_kind.update(dict(cur.fetchall()))
            cur.execute("SELECT count(*) FROM units WHERE status = 'dissolved'" + where, args)
            dissolved = cur.fetchone()[0]
            cov = q.coverage(cur, scope)
            counts = q.counts_by(cur, scope)
            counts["in_self_lapse_procedure"] = yq.in_self_lapse(cur, scope)
            return {
                "tree": {"units_by_kind": by_kind, "dissolved": dissolved,
                         "leadership_problems": q.open_leadership_problems(cur, scope)},
                "coverage": {k: cov[k] for k in
                             ("cooperatives", "with_league_org", "without_league_org")},
                "members": counts,
            }

        return self.es.read(query)
