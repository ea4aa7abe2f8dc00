"""The funding service (nameko): funds, venues, dues and remittances, partner credit.

Every list/get RPC takes `scope` (unit ids the caller may see; None = everything): an
object outside it answers NotFound and lists leave it out. Writes take it too, so a scoped
editor cannot write into another unit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from nameko.extensions import DependencyProvider

from eventkit import clock, config, db, logs, metrics, pagination
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.nameko_ext import EventSourcing, FeedMixin, command
from eventkit.uow import Tx
from eventkit.validation import load
from services.common.org_facts import get_known_cooperative
from services.funding import partners, queries, settings
from services.funding.contract import schemas
from services.funding.contract.events import registry
from services.funding.domain.common import month_range
from services.funding.domain.credit import CreditGrant, grant_aggregate_id
from services.funding.domain.dues import (
    DuesStatus,
    MemberDues,
    arrears_of,
    monthly_dues_fen,
    rule_in_force,
)
from services.funding.domain.ledger import UnitFund
from services.funding.domain.remittance import (
    UnitRemittances,
    compute_remittance,
    rebate_receipt,
)
from services.funding.domain.rulebook import RULE_BOOK_ID, RuleBook, dues_rule_to_data
from services.funding.domain.venues import Venue
from services.funding.ingest import Inbound, Ingest
from services.funding.projections import projector
from services.funding.tracked import TRACKED

log = logs.get("funding")


_new_id = clock.new_id


def partner_metrics(pool: db.Pool):
    """Partner messages by channel and outcome, dead letters not replayed, the dead queue."""
    with pool.transaction() as cur:
        cur.execute("SELECT channel, sum(accepted), sum(held), sum(duplicate), sum(rejected)"
                    " FROM partner_counters GROUP BY channel")
        rows = cur.fetchall()
        cur.execute("SELECT count(*) FROM partner_dead_letters WHERE replayed_at IS NULL")
        dead = cur.fetchone()[0]
    outcomes = ("accepted", "held", "duplicate", "rejected")
    yield metrics.counter("coopleague_partner_messages", "partner messages by outcome",
                          ["channel", "outcome"],
                          [((row[0], outcome), float(row[i + 1] or 0))
                           for row in rows for i, outcome in enumerate(outcomes)])
    yield metrics.gauge("coopleague_partner_dead_letters",
                        "dead-lettered partner messages not replayed", [], [((), dead)])
    try:
        depth = partners.dead_letter_depth()
    except Exception:  # noqa: BLE001 - the broker's side is optional in a scrape
        return
    yield metrics.gauge("coopleague_partner_dead_queue_messages",
                        "messages waiting in queue partners.dead", [], [((), depth)])


class PartnerInbound(DependencyProvider):
    """The partner ingest (shared by webhooks over RPC) and the AMQP consumer thread."""

    def setup(self) -> None:
        self._stop = threading.Event()
        self.pool = db.Pool(config.dsn("funding"), "funding", size=config.pool_size("partners"),
                            application_name="funding-partners")
        self.ingest = Ingest(self.pool, registry, projector, settings.person_secret())
        self.consumer = partners.PartnerConsumer(
            self.ingest, config.amqp_uri(), prefetch=settings.prefetch(),
            batch_size=settings.batch_size(), batch_wait=settings.batch_wait())
        metrics.PROBES.add_collector("funding.partners", partial(partner_metrics, self.pool))
        metrics.PROBES.add_collector("funding.partners.pool",
                                     metrics.pool_collector(self.pool, "funding-partners"))

    def start(self) -> None:
        self._stop.clear()
        if settings.consumer_enabled():
            self.container.spawn_managed_thread(partial(self.consumer.run, self._stop))

    def stop(self) -> None:
        self._stop.set()
        self.pool.close()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx) -> Ingest:
        return self.ingest


class FundingService(FeedMixin):
    name = "funding"
    es = EventSourcing("funding", registry, projector, tracked=TRACKED)
    inbound = PartnerInbound()

    @command
    def known_cooperative(self, coop_id: str) -> dict:
        coop = self.es.read(lambda cur: get_known_cooperative(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not known to funding")
        return coop

    def _aggregate(self, cur, cls, aggregate_id: str):
        history = self.es.store.read_stream(cur, cls.stream_id_for(aggregate_id))
        return cls.from_history(aggregate_id, [(e["type"], e["data"]) for e in history])

    # ======================================================================== funds
    def _fund_write(self, unit_id: str, command_id: str | None, scope: list[str] | None,
                    act: Callable[[Tx, UnitFund, str], None]) -> dict:
        def handle(tx: Tx) -> dict:
            queries.require_unit(tx.cur, unit_id, scope)
            fund = tx.load(UnitFund, unit_id)
            entry_id = _new_id()
            act(tx, fund, entry_id)
            return {"entry_id": entry_id}

        result = self.es.run(handle, command_id)
        return self.es.read(lambda cur: {"entry": queries.fund_entry(cur, result["entry_id"]),
                                         "fund": queries.fund_view(cur, unit_id)})

    @command
    def record_pledge(self, unit_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        data = load(schemas.PledgeIn(), payload)

        def act(tx: Tx, fund: UnitFund, eid: str) -> None:
            fund.record_pledge(
                eid, data["source"], data["payer_name"], data["amount_fen"], data["pledged_on"],
                agreement_ref=data["agreement_ref"], payer_uscc=data["payer_uscc"],
                earmark=data["earmark"])

        return self._fund_write(unit_id, command_id, scope, act)

    @command
    def record_receipt(self, unit_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        data = load(schemas.ReceiptIn(), payload)
        if data["pledge_id"] is None and data["source"] is None:
            raise InvalidInput.field("source", "is required for a receipt without a pledge")

        def act(tx: Tx, fund: UnitFund, eid: str) -> None:
            fund.record_receipt(
                eid, data["receipt_number"], data["amount_fen"], data["received_on"],
                pledge_id=data["pledge_id"], source=data["source"], earmark=data["earmark"],
                payer_name=data["payer_name"])

        return self._fund_write(unit_id, command_id, scope, act)

    @command
    def allocate_funds(self, unit_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        data = load(schemas.AllocationIn(), payload)

        def act(tx: Tx, fund: UnitFund, eid: str) -> None:
            fund.allocate(
                eid, data["activity_id"], data["amount_fen"], data["allocated_on"],
                earmark=data["earmark"], note=data["note"])

        return self._fund_write(unit_id, command_id, scope, act)

    @command
    def release_allocation(self, unit_id: str, allocation_id: str, payload: dict,
                           command_id: str | None = None, scope: list[str] | None = None) -> dict:
        data = load(schemas.ReleaseIn(), payload)
        return self._fund_write(unit_id, command_id, scope,
                                lambda tx, fund, eid: fund.release_allocation(
                                    eid, allocation_id, data["released_on"]))

    @command
    def record_expense(self, unit_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        data = load(schemas.ExpenseIn(), payload)

        def act(tx: Tx, fund: UnitFund, eid: str) -> None:
            fund.record_expense(
                eid, data["approved_by"], data["invoice_number"], data["amount_fen"],
                data["spent_on"], earmark=data["earmark"], allocation_id=data["allocation_id"],
                description=data["description"])

        return self._fund_write(unit_id, command_id, scope, act)

    @command
    def reverse_entry(self, unit_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        data = load(schemas.ReversalIn(), payload)

        def act(tx: Tx, fund: UnitFund, eid: str) -> None:
            fund.reverse(
                eid, data["reverses_entry_id"], data["reason"], data["reversed_on"])

        return self._fund_write(unit_id, command_id, scope, act)

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

    # ======================================================================== venues
    @command
    def register_venue(self, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        data = load(schemas.VenueIn(), payload)

        def handle(tx: Tx) -> dict:
            queries.require_unit(tx.cur, data["unit_id"], scope)
            venue = tx.add(Venue(_new_id()))
            venue.register(data["name"], data["provider_kind"], data["provider_name"],
                           data["capacity"], provider_id=data["provider_id"],
                           unit_id=data["unit_id"], address=data["address"])
            return {"id": venue.id}

        result = self.es.run(handle, command_id)
        return self.get_venue(result["id"])

    def _venue_in_scope(self, cur, venue_id: str, scope: list[str] | None) -> dict:
        cur.execute("SELECT id, name, provider_kind, provider_name, provider_id, capacity,"
                    " unit_id, address, registered_at, version FROM venues WHERE id = %s",
                    (venue_id,))
        venue = queries.one(cur)
        if venue is None or (scope is not None and venue["unit_id"] not in scope):
            raise NotFound(f"venue {venue_id} not found")
        return venue

    @command
    def get_venue(self, venue_id: str, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict:
            venue = self._venue_in_scope(cur, venue_id, scope)
            cur.execute("SELECT booking_id, venue_id, activity_id, starts_at, ends_at,"
                        " expected_attendance, cancelled, cancel_reason FROM venue_bookings"
                        " WHERE venue_id = %s ORDER BY starts_at LIMIT 500", (venue_id,))
            venue["bookings"] = queries.rows(cur)
            return venue

        return self.es.read(query)

    @command
    def list_venues(self, filters: dict | None = None, limit: int = 50,
                    cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""

        def query(cur) -> dict:
            where, args = ["id > %s"], [after]
            for key in ("unit_id", "provider_kind"):
                if filters.get(key):
                    where.append(f"{key} = %s")
                    args.append(filters[key])
            if filters.get("min_capacity"):
                where.append("capacity >= %s")
                args.append(int(filters["min_capacity"]))
            extra, extra_args = queries.scope_clause("unit_id", scope)
            sql = ("SELECT id, name, provider_kind, provider_name, provider_id, capacity,"
                   " unit_id, address, registered_at, version FROM venues WHERE "
                   + " AND ".join(where) + extra + " ORDER BY id")
            return pagination.fetch(cur, sql, [*args, *extra_args], limit, lambda r: r["id"])

        return self.es.read(query)

    def _venue_write(self, venue_id: str, command_id: str | None, scope: list[str] | None,
                     act: Callable[[Venue], Any]) -> Any:
        def handle(tx: Tx) -> Any:
            self._venue_in_scope(tx.cur, venue_id, scope)
            venue = tx.get(Venue, venue_id, "venue")
            return act(venue)

        return self.es.run(handle, command_id)

    @command
    def change_venue_capacity(self, venue_id: str, payload: dict,
                              command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        data = load(schemas.VenueUpdate(), payload)
        self._venue_write(venue_id, command_id, scope,
                          lambda v: v.change_capacity(data["capacity"]))
        return self.get_venue(venue_id, scope)

    @command
    def book_venue(self, venue_id: str, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        data = load(schemas.BookingIn(), payload)
        booking_id = _new_id()

        def act(venue: Venue) -> dict:
            venue.book(booking_id, data["activity_id"], data["starts_at"], data["ends_at"],
                       expected_attendance=data["expected_attendance"])
            return {"booking_id": booking_id}

        result = self._venue_write(venue_id, command_id, scope, act)
        return self._booking(result["booking_id"])

    def _booking(self, booking_id: str) -> dict:
        def query(cur) -> dict:
            cur.execute("SELECT booking_id, venue_id, activity_id, starts_at, ends_at,"
                        " expected_attendance, cancelled, cancel_reason FROM venue_bookings"
                        " WHERE booking_id = %s", (booking_id,))
            booking = queries.one(cur)
            if booking is None:
                raise NotFound(f"booking {booking_id} not found")
            return booking

        return self.es.read(query)

    @command
    def cancel_booking(self, venue_id: str, booking_id: str, payload: dict,
                       command_id: str | None = None, scope: list[str] | None = None) -> dict:
        data = load(schemas.CancelIn(), payload)
        self._venue_write(venue_id, command_id, scope,
                          lambda v: v.cancel_booking(booking_id, data["reason"]))
        return self._booking(booking_id)

    # ======================================================================== rules
    def _rule_book(self, cur) -> RuleBook:
        return self._aggregate(cur, RuleBook, RULE_BOOK_ID)

    @command
    def list_dues_rules(self) -> list[dict]:
        book = self.es.read(self._rule_book)
        defaults = {r.version for r in book.dues_rules()[:1]}
        return [{**dues_rule_to_data(r), "default": r.version in defaults}
                for r in book.dues_rules()]

    @command
    def add_dues_rule(self, payload: dict, command_id: str | None = None) -> dict:
        data = load(schemas.DuesRuleIn(), payload)

        def handle(tx: Tx) -> dict:
            rest = {k: v for k, v in data.items() if k not in ("version", "effective_from")}
            tx.load(RuleBook, RULE_BOOK_ID).add_dues_rule(
                data["version"], data["effective_from"], queries.this_month(), **rest)
            return {}

        self.es.run(handle, command_id)
        return next(r for r in self.list_dues_rules() if r["version"] == data["version"])

    @command
    def list_remittance_rules(self) -> list[dict]:
        book = self.es.read(self._rule_book)
        return [{"version": r.version, "effective_from": r.effective_from,
                 "retained_bp": r.retained_bp, "rebate_bp": r.rebate_bp}
                for r in book.remittance_rules()]

    @command
    def add_remittance_rule(self, payload: dict, command_id: str | None = None) -> dict:
        data = load(schemas.RemittanceRuleIn(), payload)

        def handle(tx: Tx) -> dict:
            tx.load(RuleBook, RULE_BOOK_ID).add_remittance_rule(
                data["version"], data["effective_from"], data["retained_bp"], data["rebate_bp"])
            return {}

        self.es.run(handle, command_id)
        return next(r for r in self.list_remittance_rules() if r["version"] == data["version"])

    # ======================================================================== dues
    @staticmethod
    def _member(cur, member_id: str, scope: list[str] | None) -> dict:
        cur.execute("SELECT id, name, kind, unit_id, status FROM known_members WHERE id = %s",
                    (member_id,))
        member = queries.one(cur)
        if member is None or (scope is not None and member["unit_id"] not in scope):
            raise NotFound(f"member {member_id} not found (or not yet known to funding)",
                           {"member_id": member_id})
        return member

    @command
    def start_dues(self, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        data = load(schemas.DuesAccountIn(), payload)

        def handle(tx: Tx) -> dict:
            member = self._member(tx.cur, data["member_id"], scope)
            if member["kind"] != "league_member":
                raise RuleViolation("only League members pay dues", {"kind": member["kind"]})
            # a first month no rule covers could never be paid
            rule_in_force(tx.load(RuleBook, RULE_BOOK_ID).dues_rules(), data["from_month"])
            account = tx.load(MemberDues, data["member_id"])
            account.start(data["category"], data["from_month"], data["income_fen"])
            return {}

        self.es.run(handle, command_id)
        return self.get_dues_account(data["member_id"], scope)

    def _dues_write(self, member_id: str, command_id: str | None, scope: list[str] | None,
                    act: Callable[[Tx, MemberDues], Any]) -> Any:
        def handle(tx: Tx) -> Any:
            self._member(tx.cur, member_id, scope)
            account = tx.load(MemberDues, member_id)
            if not account.exists:
                raise NotFound(f"no dues account for member {member_id}")
            return act(tx, account)

        return self.es.run(handle, command_id)

    @command
    def change_dues_basis(self, member_id: str, payload: dict, command_id: str | None = None,
                          scope: list[str] | None = None) -> dict:
        data = load(schemas.DuesBasisIn(), payload)
        self._dues_write(member_id, command_id, scope, lambda tx, a: a.change_basis(
            data["category"], data["effective_from"], data["income_fen"]))
        return self.get_dues_account(member_id, scope)

    @command
    def pay_dues(self, member_id: str, payload: dict, command_id: str | None = None,
                 scope: list[str] | None = None) -> dict:
        data = load(schemas.DuesPaymentIn(), payload)
        payment_id = _new_id()

        def act(tx: Tx, account: MemberDues) -> dict:
            rules = tx.load(RuleBook, RULE_BOOK_ID).dues_rules()
            account.pay(payment_id, month_range(data["from_month"], data["to_month"]),
                        data["amount_fen"], data["paid_on"], rules)
            return {"payment_id": payment_id}

        result = self._dues_write(member_id, command_id, scope, act)
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
        data = load(schemas.DuesPaymentReversalIn(), payload)
        self._dues_write(member_id, command_id, scope, lambda tx, a: a.reverse_payment(
            payment_id, data["reason"], data["reversed_on"]))
        return self._payment(payment_id)

    @command
    def get_dues_account(self, member_id: str, scope: list[str] | None = None,
                         today_month: str | None = None) -> dict:
        month = today_month or queries.this_month()

        def query(cur) -> dict:
            member = self._member(cur, member_id, scope)
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
        data = load(schemas.RemittanceIn(), payload)
        remittance_id = _new_id()

        def handle(tx: Tx) -> dict:
            unit_id = data["unit_id"]
            queries.require_unit(tx.cur, unit_id, scope)
            rules = tx.load(RuleBook, RULE_BOOK_ID).remittance_rules()
            collected = data["collected_fen"]
            if collected is None:
                tx.cur.execute(
                    "SELECT coalesce(sum(p.due_fen), 0) FROM dues_paid_months p"
                    " JOIN known_members m ON m.id = p.member_id"
                    " WHERE m.unit_id = %s AND p.month BETWEEN %s AND %s",
                    (unit_id, data["period_from"], data["period_to"]))
                collected = int(tx.cur.fetchone()[0])
            remittance = compute_remittance(remittance_id, unit_id, data["period_from"],
                                            data["period_to"], collected, rules)
            tx.load(UnitRemittances, unit_id).record(remittance)
            entry_id = None
            number = f"dues-rebate {remittance.period_from}..{remittance.period_to}"
            receipt = rebate_receipt(remittance, _new_id(), number, data["received_on"])
            if receipt is not None:
                # The rebate becomes income of the unit, in the same transaction.
                tx.load(UnitFund, unit_id).record_receipt(**receipt)
                entry_id = receipt["entry_id"]
            return {"remittance_id": remittance_id, "rebate_entry_id": entry_id}

        result = self.es.run(handle, command_id)
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
            sql = ("SELECT r.*, (SELECT e.entry_id FROM fund_entries e WHERE e.unit_id ="
                   " r.unit_id AND e.receipt_number = 'dues-rebate ' || r.period_from || '..'"
                   " || r.period_to AND e.type = 'receipt' ORDER BY e.position DESC LIMIT 1)"
                   " AS rebate_entry_id FROM remittances r WHERE "
                   + " AND ".join(where) + extra + " ORDER BY r.remittance_id")
            return pagination.fetch(cur, sql, [*args, *extra_args], limit, "remittance_id")

        return self.es.read(query)

    # ======================================================================== credit
    @command
    def recommend_grant(self, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        data = load(schemas.RecommendationIn(), payload)
        if not partners.PARTNER_ID.match(data["partner_id"]):
            raise InvalidInput.field("partner_id", "is not a partner id")
        key = grant_aggregate_id(data["partner_id"], data["grant_id"])

        def handle(tx: Tx) -> dict:
            queries.require_unit(tx.cur, data["unit_id"], scope)
            tx.cur.execute("SELECT 1 FROM partners WHERE id = %s", (data["partner_id"],))
            if tx.cur.fetchone() is None:
                raise InvalidInput.field("partner_id", "is not a known partner")
            grant = tx.load(CreditGrant, key)
            grant.recommend(data["unit_id"], data["recommended_on"], data["note"])
            return {"id": key}

        self.es.run(handle, command_id)
        return self.get_grant(key, scope)

    @command
    def get_grant(self, grant_key: str, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict:
            cur.execute(queries.GRANT_SELECT + " WHERE g.id = %s", (grant_key,))
            found = queries.one(cur)
            if found is None or (scope is not None and found["unit_id"] not in scope):
                raise NotFound(f"credit grant {grant_key} not found")
            grant = queries.grant_row(found)
            cur.execute(queries.LOAN_SELECT + " WHERE l.grant_key = %s ORDER BY l.disbursed_on,"
                        " l.loan_id", (grant_key,))
            grant["loan_list"] = [queries.loan_row(r) for r in queries.rows(cur)]
            cur.execute("SELECT message_id, partner_id, where_held, event_type, loan_id,"
                        " grant_id, received_at FROM credit_waiting WHERE stream = %s"
                        " ORDER BY received_at", (grant_key,))
            grant["waiting"] = queries.rows(cur)
            cur.execute("SELECT message_id, event_type, reason, refused_at FROM credit_refused"
                        " WHERE grant_key = %s ORDER BY refused_at", (grant_key,))
            grant["refused"] = queries.rows(cur)
            return grant

        return self.es.read(query)

    @command
    def list_grants(self, filters: dict | None = None, limit: int = 50,
                    cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = dict(filters or {})
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""
        include_pending = bool(filters.pop("include_pending", False))

        def query(cur) -> dict:
            where, args = queries.grant_filters(filters, scope)
            if include_pending:
                where = where.replace("g.granted_at IS NOT NULL", "true", 1)
            sql = queries.GRANT_SELECT + where + " AND g.id > %s ORDER BY g.id"
            return pagination.fetch(cur, sql, [*args, after], limit, "id", queries.grant_row)

        return self.es.read(query)

    @command
    def list_loans(self, filters: dict | None = None, limit: int = 50,
                   cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ["", ""]

        def query(cur) -> dict:
            where = ["(l.partner_id, l.loan_id) > (%s, %s)"]
            args: list[Any] = [after[0], after[1]]
            if filters.get("partner_id"):
                where.append("l.partner_id = %s")
                args.append(filters["partner_id"])
            if filters.get("unit_id"):
                where.append("g.unit_id = %s")
                args.append(filters["unit_id"])
            if filters.get("overdue"):
                where.append("l.overdue_fen > 0 AND NOT l.settled")
            if filters.get("settled") is not None:
                where.append("l.settled = %s")
                args.append(bool(filters["settled"]))
            if filters.get("month"):
                where.append("to_char(l.disbursed_on, 'YYYY-MM') = %s")
                args.append(filters["month"])
            extra, extra_args = queries.scope_clause("g.unit_id", scope)
            sql = (queries.LOAN_SELECT + " WHERE " + " AND ".join(where) + extra +
                   " ORDER BY l.partner_id, l.loan_id")
            return pagination.fetch(cur, sql, [*args, *extra_args], limit,
                         lambda r: [r["partner_id"], r["loan_id"]], queries.loan_row)

        return self.es.read(query)

    @command
    def list_waiting(self, filters: dict | None = None, limit: int = 50,
                     cursor: str | None = None, scope: list[str] | None = None) -> dict:
        """Partner events held for a grant or parked for an unknown loan (not lost)."""
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ["", ""]
        if scope is not None:
            # Waiting events belong to no unit yet: only county-wide callers see them.
            return {"items": [], "next_cursor": None}

        def query(cur) -> dict:
            where = ["(partner_id, message_id) > (%s, %s)"]
            args: list[Any] = [after[0], after[1]]
            if filters.get("partner_id"):
                where.append("partner_id = %s")
                args.append(filters["partner_id"])
            sql = ("SELECT message_id, partner_id, where_held, event_type, loan_id, grant_id,"
                   " received_at FROM credit_waiting WHERE " + " AND ".join(where) +
                   " ORDER BY partner_id, message_id")
            return pagination.fetch(cur, sql, args, limit,
                                    lambda r: [r["partner_id"], r["message_id"]])

        return self.es.read(query)

    @command
    def credit_stats(self, group_by: str, filters: dict | None = None,
                     scope: list[str] | None = None) -> dict:
        if group_by not in queries.GROUPS:
            raise InvalidInput.field("group_by", f"must be one of {', '.join(queries.GROUPS)}")
        return self.es.read(lambda cur: queries.credit_stats(cur, group_by, filters or {}, scope))

    @command
    def credit_summary(self, filters: dict | None = None,
                       scope: list[str] | None = None) -> dict:
        return self.es.read(lambda cur: queries.credit_totals(cur, filters or {}, scope))

    @command
    def young_entrepreneurs(self, year: int | None = None, max_age: int = 35,
                            scope: list[str] | None = None) -> dict:
        return self.es.read(lambda cur: queries.young_entrepreneurs(
            cur, int(year) if year else None, int(max_age), scope))

    @command
    def last_dues_months(self, member_ids: list[str]) -> dict[str, str]:
        """The last month each member paid dues for (issue 12: 自行脱团 needs it)."""
        def query(cur) -> dict[str, str]:
            cur.execute("SELECT member_id, max(month) FROM dues_paid_months"
                        " WHERE member_id = ANY(%s) GROUP BY member_id", (list(member_ids),))
            return dict(cur.fetchall())

        return self.es.read(query)

    @command
    def dashboard_summary(self, scope: list[str] | None = None,
                          year: int | None = None) -> dict:
        return self.es.read(lambda cur: queries.dashboard(cur, scope, int(year or
                                                                          queries.today().year)))

    # ======================================================================== partners
    @command
    def list_partners(self) -> dict:
        def query(cur) -> dict:
            cur.execute("SELECT id FROM partners ORDER BY id")
            ids = [r[0] for r in cur.fetchall()]
            return {"items": [queries.partner_view(cur, p) for p in ids], "next_cursor": None}

        return self.es.read(query)

    @command
    def get_partner(self, partner_id: str) -> dict:
        return self.es.read(lambda cur: queries.partner_view(cur, partner_id))

    @command
    def partner_webhook_secrets(self, partner_id: str) -> list[str]:
        """The secrets a webhook of `partner_id` may be signed with (none: unknown)."""
        def query(cur) -> list[str]:
            cur.execute("SELECT s.secret FROM partner_webhook_secrets s"
                        " JOIN partners p ON p.id = s.partner_id"
                        " WHERE s.partner_id = %s AND p.active"
                        " AND (s.expires_at IS NULL OR s.expires_at > now())"
                        " ORDER BY s.created_at DESC", (partner_id,))
            return [r[0] for r in cur.fetchall()]

        return self.es.read(query)

    @command
    def receive_webhook(self, partner_id: str, message_id: str, body: Any) -> dict:
        """A webhook whose signature the gateway verified: the AMQP path's validation and
        idempotency. Invalid: InvalidInput (422) or RuleViolation (409), nothing stored."""
        outcome = self.inbound.process([Inbound("webhook", partner_id, message_id, None, body)])[0]
        if outcome.status == "rejected":
            reason = outcome.reason or "rejected"
            if outcome.conflict:
                raise RuleViolation(reason, {"message_id": message_id})
            raise InvalidInput(reason, {"errors": {"_body": [reason]}})
        return {"status": outcome.status, "message_id": message_id, "grant": outcome.grant}

    @command
    def list_dead_letters(self, partner_id: str | None = None, limit: int = 50,
                          cursor: str | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)

        def query(cur) -> dict:
            where, args = ["true"], []
            if partner_id:
                where.append("partner_id = %s")
                args.append(partner_id)
            if after:
                where.append("(rejected_at, partner_id, dl_key) < (%s::timestamptz, %s, %s)")
                args += after
            sql = ("SELECT partner_id, dl_key, message_id, event_type, routing_key, channel,"
                   " reason, rejected_at, times, replayed_at FROM partner_dead_letters WHERE "
                   + " AND ".join(where) + " ORDER BY rejected_at DESC, partner_id DESC,"
                   " dl_key DESC")

            def shape(r: dict) -> dict:
                return {k: v for k, v in r.items() if k != "dl_key"}

            return pagination.fetch(cur, sql, args, limit,
                         lambda r: [r["rejected_at"], r["partner_id"], r["dl_key"]], shape)

        return self.es.read(query)


def _status(row: dict, rules, month: str) -> DuesStatus:
    due_month = max(month, row["first_due_month"])
    due = monthly_dues_fen(rule_in_force(rules, due_month), row["category"], row["income_fen"])
    return DuesStatus(row["member_id"], row["first_due_month"], row["paid_up_to"],
                      exempt=due == 0)

