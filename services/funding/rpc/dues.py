"""Dues rules, member dues accounts, payments and arrears, remittances and rebates."""

from __future__ import annotations

from eventkit import pagination
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.funding import handlers, queries
from services.funding.contract import schemas
from services.funding.domain.dues import (
    MemberDues,
    arrears_of,
    monthly_dues_fen,
    rule_in_force,
)
from services.funding.domain.remittance import rebate_number_of
from services.funding.domain.rulebook import RULE_BOOK_ID, RuleBook, dues_rule_to_data
from services.funding.rpc.common import Commands, _status


class DuesRpc(Commands):

    # ======================================================================== rules
    def _rule_book(self, cur) -> RuleBook:
        return self._aggregate(cur, RuleBook, RULE_BOOK_ID)

    @command
    def last_dues_months(self, member_ids: list[str]) -> dict[str, str]:
        """The last month each member paid dues for (issue 12: 自行脱团 needs it)."""
        def query(cur) -> dict[str, str]:
            cur.execute("SELECT member_id, max(month) FROM dues_paid_months"
                        " WHERE member_id = ANY(%s) GROUP BY member_id", (list(member_ids),))
            return dict(cur.fetchall())

        return self.es.read(query)  # type: ignore[no-any-return]

    @command
    def list_dues_rules(self) -> list[dict]:
        book = self.es.read(self._rule_book)
        defaults = {r.version for r in book.dues_rules()[:1]}
        return [{**dues_rule_to_data(r), "default": r.version in defaults}
                for r in book.dues_rules()]

    @command
    def add_dues_rule(self, payload: dict, command_id: str | None = None) -> dict:
        data = load(schemas.DuesRuleIn, payload)
        self._run(handlers.add_dues_rule, data, command_id, None)
        return next(r for r in self.list_dues_rules() if r["version"] == data["version"])

    @command
    def list_remittance_rules(self) -> list[dict]:
        book = self.es.read(self._rule_book)
        return [{"version": r.version, "effective_from": r.effective_from,
                 "retained_bp": r.retained_bp, "rebate_bp": r.rebate_bp}
                for r in book.remittance_rules()]

    @command
    def add_remittance_rule(self, payload: dict, command_id: str | None = None) -> dict:
        data = load(schemas.RemittanceRuleIn, payload)
        self._run(handlers.add_remittance_rule, data, command_id, None)
        return next(r for r in self.list_remittance_rules() if r["version"] == data["version"])

    # ======================================================================== dues
    @command
    def start_dues(self, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        data = load(schemas.DuesAccountIn, payload)
        self._run(handlers.start_dues, data, command_id, scope)
        return self.get_dues_account(data["member_id"], scope)

    @command
    def change_dues_basis(self, member_id: str, payload: dict, command_id: str | None = None,
                          scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.DuesBasisIn, payload), "member_id": member_id}
        self._run(handlers.change_dues_basis, cmd, command_id, scope)
        return self.get_dues_account(member_id, scope)

    @command
    def pay_dues(self, member_id: str, payload: dict, command_id: str | None = None,
                 scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.DuesPaymentIn, payload), "member_id": member_id}
        result = self._run(handlers.pay_dues, cmd, command_id, scope)
        return self._payment(result["payment_id"])

    def _payment(self, payment_id: str) -> dict:
        def query(cur) -> dict:
            cur.execute("SELECT payment_id, member_id, months, from_month, to_month, amount_fen,"
                        " paid_on, breakdown, reversed, reversed_on, reason FROM dues_payments"
                        " WHERE payment_id = %s", (payment_id,))
            payment = queries.one(cur)
            if payment is None:
                raise NotFound(f"payment {payment_id} not found")
            return payment

        return self.es.read(query)

    @command
    def reverse_dues_payment(self, member_id: str, payment_id: str, payload: dict,
                             command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.DuesPaymentReversalIn, payload), "member_id": member_id,
               "payment_id": payment_id}
        self._run(handlers.reverse_dues_payment, cmd, command_id, scope)
        return self._payment(payment_id)

    @command
    def get_dues_account(self, member_id: str, scope: list[str] | None = None,
                         today_month: str | None = None) -> dict:
        month = today_month or queries.this_month()

        def query(cur) -> dict:
            member = queries.require_member(cur, member_id, scope)
            account = self._aggregate(cur, MemberDues, member_id)
            if not account.exists:
                raise NotFound(f"no dues account for member {member_id}")
            rules = self._rule_book(cur).dues_rules()
            cur.execute("SELECT first_due_month, category, income_fen, paid_up_to,"
                        " total_paid_fen, last_paid_on FROM dues_accounts WHERE member_id = %s",
                        (member_id,))
            row = queries.one(cur) or {}
            category, income = account.basis_for(max(month, account.first_due_month or month))
            cur.execute("SELECT payment_id, member_id, months, from_month, to_month, amount_fen,"
                        " paid_on, breakdown, reversed, reversed_on, reason FROM dues_payments"
                        " WHERE member_id = %s ORDER BY position DESC LIMIT 100", (member_id,))
            payments = queries.rows(cur)
            return {"member_id": member_id, "member_name": member["name"],
                    "unit_id": member["unit_id"], **row,
                    "months_in_arrears": account.months_in_arrears(month, rules),
                    "monthly_due_fen": monthly_dues_fen(rule_in_force(rules, max(
                        month, account.first_due_month or month)), category, income),
                    "payments": payments}

        return self.es.read(query)

    @command
    def list_dues_accounts(self, filters: dict | None = None, limit: int = 50,
                           cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""
        month = filters.get("month") or queries.this_month()

        def query(cur) -> dict:
            rules = self._rule_book(cur).dues_rules()
            where, args = ["a.member_id > %s"], [after]
            if filters.get("unit_id"):
                where.append("m.unit_id = %s")
                args.append(filters["unit_id"])
            extra, extra_args = queries.scope_clause("m.unit_id", scope)
            sql = ("SELECT a.member_id, m.name AS member_name, m.unit_id, a.first_due_month,"
                   " a.category, a.income_fen, a.paid_up_to, a.total_paid_fen, a.last_paid_on"
                   " FROM dues_accounts a JOIN known_members m ON m.id = a.member_id WHERE "
                   + " AND ".join(where) + extra + " ORDER BY a.member_id")

            def shape(r: dict) -> dict:
                status = _status(r, rules, month)
                due_month = max(month, r["first_due_month"])
                due = monthly_dues_fen(rule_in_force(rules, due_month), r["category"],
                                       r["income_fen"])
                return {**r, "months_in_arrears": arrears_of(status, month),
                        "monthly_due_fen": due}

            return pagination.fetch(cur, sql, [*args, *extra_args], limit, "member_id", shape)

        return self.es.read(query)

    @command
    def list_arrears(self, filters: dict | None = None, limit: int = 50,
                     cursor: str | None = None, scope: list[str] | None = None) -> dict:
        """Members `min_months` (default 6) or more months behind, longest first."""
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        offset = int(pagination.decode(cursor) or 0)
        month = filters.get("month") or queries.this_month()
        threshold = int(filters.get("min_months") or 6)

        def query(cur) -> dict:
            rules = self._rule_book(cur).dues_rules()
            where, args = ["m.status = 'active'"], []
            if filters.get("unit_id"):
                where.append("m.unit_id = %s")
                args.append(filters["unit_id"])
            extra, extra_args = queries.scope_clause("m.unit_id", scope)
            cur.execute("SELECT a.member_id, m.name AS member_name, m.unit_id, a.first_due_month,"
                        " a.paid_up_to, a.category, a.income_fen FROM dues_accounts a"
                        " JOIN known_members m ON m.id = a.member_id WHERE "
                        + " AND ".join(where) + extra, (*args, *extra_args))
            found = []
            for r in queries.rows(cur):
                months = arrears_of(_status(r, rules, month), month)
                if months >= threshold:
                    found.append({"member_id": r["member_id"], "member_name": r["member_name"],
                                  "unit_id": r["unit_id"], "paid_up_to": r["paid_up_to"],
                                  "first_due_month": r["first_due_month"],
                                  "months_in_arrears": months})
            found.sort(key=lambda x: (-x["months_in_arrears"], x["member_id"]))
            items = found[offset:offset + limit]
            more = len(found) > offset + limit
            return {"items": items,
                    "next_cursor": pagination.encode(offset + limit) if more else None}

        return self.es.read(query)

    # ======================================================================== remittances
    @command
    def record_remittance(self, payload: dict, command_id: str | None = None,
                          scope: list[str] | None = None) -> dict:
        data = load(schemas.RemittanceIn, payload)
        result = self._run(handlers.record_remittance, data, command_id, scope)
        return self._remittance(result["remittance_id"], result["rebate_entry_id"])

    def _remittance(self, remittance_id: str, rebate_entry_id: str | None) -> dict:
        def query(cur) -> dict:
            cur.execute("SELECT * FROM remittances WHERE remittance_id = %s", (remittance_id,))
            found = queries.one(cur)
            if found is None:
                raise NotFound(f"remittance {remittance_id} not found")
            return {**found, "rebate_entry_id": rebate_entry_id}

        return self.es.read(query)

    @command
    def list_remittances(self, filters: dict | None = None, limit: int = 50,
                         cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""

        def query(cur) -> dict:
            where, args = ["r.remittance_id > %s"], [after]
            if filters.get("unit_id"):
                where.append("r.unit_id = %s")
                args.append(filters["unit_id"])
            extra, extra_args = queries.scope_clause("r.unit_id", scope)
            sql = ("SELECT r.* FROM remittances r WHERE "
                   + " AND ".join(where) + extra + " ORDER BY r.remittance_id")
            found = pagination.fetch(cur, sql, [*args, *extra_args], limit, "remittance_id")
            # the rebate's receipt number is the domain's (rebate_number), not restated here
            numbers = {r["remittance_id"]: (r["unit_id"], rebate_number_of(
                r["period_from"], r["period_to"])) for r in found["items"]}
            entries = queries.rebate_entries(cur, sorted(set(numbers.values())))
            for r in found["items"]:
                r["rebate_entry_id"] = entries.get(numbers[r["remittance_id"]])
            return found

        return self.es.read(query)
