"""Member transfers between units, and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit import pagination
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import load
from services.org import queries as q
from services.org import year_queries as yq
from services.org.contract import enums, schemas
from services.org.domain.member import Member
from services.org.domain.tree_rules import check_accepts_children
from services.org.rpc.common import _new_id


class TransfersRpc:
    es: Any

    # -- transfers -------------------------------------------------------------------
    @command
    def request_transfer(self, payload: dict, command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        """By the sending unit: the member's unit must be within the caller's scope."""
        data = load(schemas.TransferIn(), payload)
        on = q.day(data["on"])
        self.get_member(data["member_id"], scope)

        def handle(tx: Tx) -> dict:
            check_accepts_children(q.unit_facts(tx.cur, data["to_unit_id"], "to_unit_id"))
            member = tx.get(Member, data["member_id"], "member")
            self._same_committee(tx.cur, member.unit_id, data["to_unit_id"])
            transfer_id = _new_id()
            member.request_transfer(transfer_id, data["to_unit_id"], on)
            return {"id": transfer_id}

        result = self._run(handle, command_id)
        return self.get_transfer(result["id"])

    def _decide(self, transfer_id: str, command_id: str | None, scope: list[str] | None,
                act: Callable[[Tx, Member], None]) -> dict:
        transfer = self.get_transfer(transfer_id, scope)
        # The receiving unit decides.
        q.check_scope(scope, transfer["to_unit_id"], "transfer", transfer_id)

        def handle(tx: Tx) -> dict:
            act(tx, tx.get(Member, transfer["member_id"], "member"))
            return {"id": transfer_id}

        self._run(handle, command_id)
        return self.get_transfer(transfer_id)

    @command
    def approve_transfer(self, transfer_id: str, payload: dict, command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        data = load(schemas.TransferDecisionIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, member: Member) -> None:
            pending = member.pending_transfer or {}
            if pending.get("transfer_id") == transfer_id:
                check_accepts_children(q.unit_facts(tx.cur, pending["to_unit_id"]))
            member.approve_transfer(transfer_id, on)

        return self._decide(transfer_id, command_id, scope, act)

    @command
    def reject_transfer(self, transfer_id: str, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        data = load(schemas.TransferRejectIn(), payload)
        on = q.day(data["on"])
        return self._decide(transfer_id, command_id, scope,
                            lambda tx, m: m.reject_transfer(transfer_id, on, data["reason"]))

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
