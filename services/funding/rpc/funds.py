"""Unit funds: pledges, receipts, allocations, expenses, reversals, settlements and reports."""

from __future__ import annotations

from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.funding import handlers, queries
from services.funding.contract import schemas
from services.funding.domain.ledger import UnitFund
from services.funding.rpc.common import Commands, Handler


class FundsRpc(Commands):

    # ======================================================================== funds
    def _fund_write(self, handler: Handler, cmd: dict, command_id: str | None,
                    scope: list[str] | None) -> dict:
        result = self._run(handler, cmd, command_id, scope)
        unit_id = cmd["unit_id"]
        return self.es.read(lambda cur: {"entry": queries.fund_entry(cur, result["entry_id"]),
                                         "fund": queries.fund_view(cur, unit_id)})

    @command
    def record_pledge(self, unit_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.PledgeIn, payload), "unit_id": unit_id}
        return self._fund_write(handlers.record_pledge, cmd, command_id, scope)

    @command
    def record_receipt(self, unit_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        data = load(schemas.ReceiptIn, payload)
        if data["pledge_id"] is None and data["source"] is None:
            raise InvalidInput.field("source", "is required for a receipt without a pledge")
        return self._fund_write(handlers.record_receipt, {**data, "unit_id": unit_id},
                                command_id, scope)

    @command
    def allocate_funds(self, unit_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.AllocationIn, payload), "unit_id": unit_id}
        return self._fund_write(handlers.allocate_funds, cmd, command_id, scope)

    @command
    def release_allocation(self, unit_id: str, allocation_id: str, payload: dict,
                           command_id: str | None = None, scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.ReleaseIn, payload), "unit_id": unit_id,
               "allocation_id": allocation_id}
        return self._fund_write(handlers.release_allocation, cmd, command_id, scope)

    @command
    def record_expense(self, unit_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.ExpenseIn, payload), "unit_id": unit_id}
        return self._fund_write(handlers.record_expense, cmd, command_id, scope)

    @command
    def reverse_entry(self, unit_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.ReversalIn, payload), "unit_id": unit_id}
        return self._fund_write(handlers.reverse_entry, cmd, command_id, scope)

    @command
    def get_fund(self, unit_id: str, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict:
            queries.require_unit(cur, unit_id, scope)
            return queries.fund_view(cur, unit_id)

        return self.es.read(query)

    @command
    def list_funds(self, filters: dict | None = None, limit: int = 50,
                   cursor: str | None = None, scope: list[str] | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""

        def query(cur) -> dict:
            extra, args = queries.scope_clause("unit_id", scope)
            cur.execute("SELECT DISTINCT unit_id FROM fund_entries WHERE unit_id > %s" + extra +
                        " ORDER BY unit_id LIMIT %s", (after, *args, limit + 1))
            units = [r[0] for r in cur.fetchall()]
            return pagination.page(units, limit, key=lambda u: u,
                                   shape=lambda u: queries.fund_view(cur, u))

        return self.es.read(query)

    @command
    def list_fund_entries(self, unit_id: str, filters: dict | None = None, limit: int = 50,
                          cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or 0

        def query(cur) -> dict:
            queries.require_unit(cur, unit_id, scope)
            where, args = ["unit_id = %s", "position > %s"], [unit_id, int(after)]
            if filters.get("type"):
                where.append("type = %s")
                args.append(filters["type"])
            if filters.get("year"):
                where.append("extract(year FROM on_date) = %s")
                args.append(int(filters["year"]))
            sql = (f"SELECT {', '.join(queries.ENTRY_COLUMNS)}, position FROM fund_entries"
                   f" WHERE {' AND '.join(where)} ORDER BY position")

            def shape(r: dict) -> dict:
                return {k: v for k, v in r.items() if k != "position"}

            return pagination.fetch(cur, sql, args, limit, lambda r: r["position"], shape)

        return self.es.read(query)

    @command
    def get_fund_entry(self, unit_id: str, entry_id: str,
                       scope: list[str] | None = None) -> dict:
        def query(cur) -> dict:
            queries.require_unit(cur, unit_id, scope)
            entry = queries.fund_entry(cur, entry_id)
            if entry["unit_id"] != unit_id:
                raise NotFound(f"fund entry {entry_id} not found")
            return entry

        return self.es.read(query)

    @command
    def fund_settlement(self, unit_id: str, year: int, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict:
            queries.require_unit(cur, unit_id, scope)
            fund = self._aggregate(cur, UnitFund, unit_id)
            return {"unit_id": unit_id, **fund.settlement(int(year))}

        return self.es.read(query)

    @command
    def income_report(self, filters: dict | None = None, scope: list[str] | None = None) -> dict:
        return self.es.read(lambda cur: queries.income_report(cur, filters or {}, scope))

    @command
    def list_pledges_outstanding(self, filters: dict | None = None, limit: int = 50,
                                 cursor: str | None = None,
                                 scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""

        def query(cur) -> dict:
            where = ["NOT reversed", "received_fen < amount_fen", "pledge_id > %s"]
            args: list[Any] = [after]
            for key in ("unit_id", "source"):
                if filters.get(key):
                    where.append(f"{key} = %s")
                    args.append(filters[key])
            extra, extra_args = queries.scope_clause("unit_id", scope)
            sql = ("SELECT pledge_id, unit_id, source, payer_name, payer_uscc, agreement_ref,"
                   " earmark, amount_fen, received_fen, amount_fen - received_fen AS"
                   " outstanding_fen, pledged_on FROM fund_pledges WHERE "
                   + " AND ".join(where) + extra + " ORDER BY pledge_id")
            return pagination.fetch(cur, sql, [*args, *extra_args], limit, lambda r: r["pledge_id"])

        return self.es.read(query)
