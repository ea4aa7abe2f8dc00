"""Command handlers of the funding service: plain functions `(tx, cmd, ctx) -> answer`.

Same shape as assessment's (docs/conventions.md): `tx` the unit of work's transaction (it
loads and adds aggregates), `cmd` the validated command (a dict from the contract's schema
plus ids from the path), `ctx` what the caller brings: the unit scope, the clock, the id
generator, the settings a rule needs and the read-model facts (`Facts`: `queries.SqlFacts`
in the service, fakes in tests/unit/funding/test_funding_handlers*.py). Handlers never touch
`tx.cur`: what they read goes through `Facts`; the rules live in `domain/`. The partner
ingest (ingest.py) is a consumer, not a command: it keeps its own shape.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eventkit import clock as clocks
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.uow import Tx
from services.funding.domain.applications import (
    ENTREPRENEUR_MAX_AGE,
    ENTREPRENEUR_MIN_AGE,
    CreditApplication,
    YoungEntrepreneur,
)
from services.funding.domain.beneficiary import person_key
from services.funding.domain.common import month_range
from services.funding.domain.credit import CreditGrant, grant_aggregate_id
from services.funding.domain.dues import MemberDues, ensure_pays_dues, rule_in_force
from services.funding.domain.ledger import UnitFund
from services.funding.domain.remittance import (
    UnitRemittances,
    compute_remittance,
    rebate_number,
    rebate_receipt,
)
from services.funding.domain.rulebook import RULE_BOOK_ID, RuleBook
from services.funding.domain.venues import Venue

Scope = Sequence[str] | None


class Facts(Protocol):
    """The read-model facts the funding handlers read (learnt from org, or funding's own)."""

    def require_unit(self, unit_id: str, scope: Scope) -> dict[str, Any]:
        """A unit known to funding and in scope (its id, name, kind...), else NotFound."""

    def venue_unit(self, venue_id: str) -> str | None | bool:
        """The venue's unit (None: a venue of no unit), or False for no such venue."""

    def require_member(self, member_id: str, scope: Scope) -> dict[str, Any]:
        """A member known to funding (id, name, kind, unit_id, status) and in scope, else
        NotFound."""

    def dues_collected(self, unit_id: str, period_from: str, period_to: str) -> int:
        """The dues (fen) the unit's members paid for the months of the period."""

    def partner(self, partner_id: str) -> tuple[str, bool] | None:
        """A partner's (kind, active), None for no such partner."""

    def known_cooperative(self, coop_id: str) -> dict[str, Any] | None:
        """A cooperative learnt from org (id, uscc, name...), None: not (yet) known."""

    def entrepreneur_by_person(self, id_key: str) -> str | None:
        """The young entrepreneur registered with this person key, if any."""


def _no_secret() -> bytes:
    return b""


@dataclasses.dataclass(frozen=True)
class Context:
    facts: Callable[[Tx], Facts]
    scope: Scope = None
    clock: clocks.Clock = clocks.SYSTEM_CLOCK
    new_id: Callable[[], str] = clocks.new_id
    # (minimum age, age from which a person is no longer a young entrepreneur)
    age_limits: tuple[int, int] = (ENTREPRENEUR_MIN_AGE, ENTREPRENEUR_MAX_AGE)
    # the key of the resident-id hash (settings.person_secret in the service)
    person_secret: Callable[[], bytes] = _no_secret


def today_or(value: dt.date | None, ctx: Context) -> dt.date:
    """A date given in the command, else the county's today."""
    return value or ctx.clock.today()


def this_month(ctx: Context) -> str:
    day = ctx.clock.today()
    return f"{day.year:04d}-{day.month:02d}"


# -- venues -----------------------------------------------------------------------------------


def register_venue(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    ctx.facts(tx).require_unit(cmd["unit_id"], ctx.scope)
    venue = tx.add(Venue(ctx.new_id()))
    assert isinstance(venue, Venue)
    venue.register(cmd["name"], cmd["provider_kind"], cmd["provider_name"], cmd["capacity"],
                   provider_id=cmd["provider_id"], unit_id=cmd["unit_id"],
                   address=cmd["address"])
    return {"id": venue.id}


def on_venue(tx: Tx, venue_id: str, ctx: Context,
             action: Callable[[Venue], dict[str, Any] | None]) -> dict[str, Any]:
    """A venue the caller may see (its unit in scope; a venue of no unit: unscoped only)."""
    unit_id = ctx.facts(tx).venue_unit(venue_id)
    if unit_id is False or (ctx.scope is not None and unit_id not in ctx.scope):
        raise NotFound(f"venue {venue_id} not found")
    venue = tx.get(Venue, venue_id, "venue")
    return action(venue) or {}


def change_venue_capacity(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_venue(tx, cmd["venue_id"], ctx,
                    lambda venue: venue.change_capacity(cmd["capacity"]))


def book_venue(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    booking_id = cmd.get("booking_id") or ctx.new_id()

    def action(venue: Venue) -> dict[str, Any]:
        venue.book(booking_id, cmd["activity_id"], cmd["starts_at"], cmd["ends_at"],
                   expected_attendance=cmd["expected_attendance"])
        return {"booking_id": booking_id}

    return on_venue(tx, cmd["venue_id"], ctx, action)


def cancel_booking(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_venue(tx, cmd["venue_id"], ctx,
                    lambda venue: venue.cancel_booking(cmd["booking_id"], cmd["reason"]))


# -- unit funds -------------------------------------------------------------------------------


def on_fund(tx: Tx, cmd: dict[str, Any], ctx: Context,
            action: Callable[[UnitFund, str], None]) -> dict[str, Any]:
    """The fund of a unit the caller may see; `action` records one new entry on it."""
    ctx.facts(tx).require_unit(cmd["unit_id"], ctx.scope)
    fund = tx.load(UnitFund, cmd["unit_id"])
    entry_id = ctx.new_id()
    action(fund, entry_id)
    return {"entry_id": entry_id}


def record_pledge(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.record_pledge(
        eid, cmd["source"], cmd["payer_name"], cmd["amount_fen"], cmd["pledged_on"],
        agreement_ref=cmd["agreement_ref"], payer_uscc=cmd["payer_uscc"],
        earmark=cmd["earmark"]))


def record_receipt(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.record_receipt(
        eid, cmd["receipt_number"], cmd["amount_fen"], cmd["received_on"],
        pledge_id=cmd["pledge_id"], source=cmd["source"], earmark=cmd["earmark"],
        payer_name=cmd["payer_name"]))


def allocate_funds(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.allocate(
        eid, cmd["activity_id"], cmd["amount_fen"], cmd["allocated_on"],
        earmark=cmd["earmark"], note=cmd["note"]))


def release_allocation(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.release_allocation(
        eid, cmd["allocation_id"], cmd["released_on"]))


def record_expense(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.record_expense(
        eid, cmd["approved_by"], cmd["invoice_number"], cmd["amount_fen"], cmd["spent_on"],
        earmark=cmd["earmark"], allocation_id=cmd["allocation_id"],
        description=cmd["description"]))


def reverse_entry(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.reverse(
        eid, cmd["reverses_entry_id"], cmd["reason"], cmd["reversed_on"]))


# -- dues: the rule book ----------------------------------------------------------------------


def add_dues_rule(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    rest = {k: v for k, v in cmd.items() if k not in ("version", "effective_from")}
    tx.load(RuleBook, RULE_BOOK_ID).add_dues_rule(cmd["version"], cmd["effective_from"],
                                                  this_month(ctx), **rest)
    return {}


def add_remittance_rule(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    tx.load(RuleBook, RULE_BOOK_ID).add_remittance_rule(
        cmd["version"], cmd["effective_from"], cmd["retained_bp"], cmd["rebate_bp"])
    return {}


# -- member dues accounts ---------------------------------------------------------------------


def start_dues(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    member = ctx.facts(tx).require_member(cmd["member_id"], ctx.scope)
    ensure_pays_dues(member["kind"])
    # a first month no rule covers could never be paid
    rule_in_force(tx.load(RuleBook, RULE_BOOK_ID).dues_rules(), cmd["from_month"])
    account = tx.load(MemberDues, cmd["member_id"])
    account.start(cmd["category"], cmd["from_month"], cmd["income_fen"])
    return {}


def on_dues(tx: Tx, cmd: dict[str, Any], ctx: Context,
            action: Callable[[MemberDues], dict[str, Any] | None]) -> dict[str, Any]:
    """The dues account of a member the caller may see; `action` changes it."""
    member_id = cmd["member_id"]
    ctx.facts(tx).require_member(member_id, ctx.scope)
    account = tx.load(MemberDues, member_id)
    if not account.exists:
        raise NotFound(f"no dues account for member {member_id}")
    return action(account) or {}


def change_dues_basis(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_dues(tx, cmd, ctx, lambda account: account.change_basis(
        cmd["category"], cmd["effective_from"], cmd["income_fen"]))


def pay_dues(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    def action(account: MemberDues) -> dict[str, Any]:
        payment_id = ctx.new_id()
        rules = tx.load(RuleBook, RULE_BOOK_ID).dues_rules()
        account.pay(payment_id, month_range(cmd["from_month"], cmd["to_month"]),
                    cmd["amount_fen"], cmd["paid_on"], rules)
        return {"payment_id": payment_id}

    return on_dues(tx, cmd, ctx, action)


def reverse_dues_payment(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_dues(tx, cmd, ctx, lambda account: account.reverse_payment(
        cmd["payment_id"], cmd["reason"], cmd["reversed_on"]))


# -- remittances ------------------------------------------------------------------------------


def record_remittance(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A unit's remittance of the dues it collected; its rebate becomes income of the unit's
    fund in the same transaction."""
    facts = ctx.facts(tx)
    unit_id = cmd["unit_id"]
    facts.require_unit(unit_id, ctx.scope)
    rules = tx.load(RuleBook, RULE_BOOK_ID).remittance_rules()
    collected = cmd["collected_fen"]
    if collected is None:
        collected = facts.dues_collected(unit_id, cmd["period_from"], cmd["period_to"])
    remittance_id = ctx.new_id()
    remittance = compute_remittance(remittance_id, unit_id, cmd["period_from"],
                                    cmd["period_to"], collected, rules)
    tx.load(UnitRemittances, unit_id).record(remittance)
    entry_id = None
    receipt = rebate_receipt(remittance, ctx.new_id(), rebate_number(remittance),
                             cmd["received_on"])
    if receipt is not None:
        tx.load(UnitFund, unit_id).record_receipt(**receipt)
        entry_id = receipt["entry_id"]
    return {"remittance_id": remittance_id, "rebate_entry_id": entry_id}


# -- partner credit: a unit recommends a grant ------------------------------------------------


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


# -- young entrepreneurs (致富骨干) ---------------------------------------------------------------


def register_entrepreneur(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    facts = ctx.facts(tx)
    id_key, _ = person_key(cmd["id_number"], ctx.person_secret())
    day = today_or(cmd["registered_on"], ctx)
    min_age, max_age = ctx.age_limits
    facts.require_unit(cmd["unit_id"], ctx.scope)
    if facts.known_cooperative(cmd["cooperative_id"]) is None:
        raise InvalidInput.field("cooperative_id", "is not a known cooperative")
    existing = facts.entrepreneur_by_person(id_key)
    if existing is not None:
        raise RuleViolation("this person is already registered as a young entrepreneur",
                            {"entrepreneur_id": existing})
    entrepreneur = tx.add(YoungEntrepreneur(ctx.new_id()))
    assert isinstance(entrepreneur, YoungEntrepreneur)
    entrepreneur.register(cmd["name"], cmd["id_number"], cmd["phone"], cmd["cooperative_id"],
                          cmd["unit_id"], day, id_key=id_key, min_age=min_age, max_age=max_age)
    return {"id": entrepreneur.id}


# -- credit applications ----------------------------------------------------------------------


def submit_application(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    day = today_or(cmd["submitted_on"], ctx)
    min_age, max_age = ctx.age_limits
    entrepreneur = tx.load(YoungEntrepreneur, cmd["entrepreneur_id"])
    if not entrepreneur.exists or (ctx.scope is not None and
                                   entrepreneur.unit_id not in ctx.scope):
        raise InvalidInput.field("entrepreneur_id", "is not a registered young entrepreneur")
    partner = ctx.facts(tx).partner(cmd["partner_id"])
    if partner is None or not partner[1]:
        raise InvalidInput.field("partner_id", "is not an active partner")
    if partner[0] != "bank":
        raise InvalidInput.field("partner_id", "is not a bank")
    application = tx.add(CreditApplication(ctx.new_id()))
    assert isinstance(application, CreditApplication)
    application.submit(entrepreneur=entrepreneur, partner_id=cmd["partner_id"],
                       amount_fen=cmd["amount_fen"], term_months=cmd["term_months"],
                       purpose=cmd["purpose"], submitted_on=day, min_age=min_age,
                       max_age=max_age)
    return {"id": application.id}


def on_application(tx: Tx, cmd: dict[str, Any], ctx: Context,
                   action: Callable[[CreditApplication], None]) -> dict[str, Any]:
    """An application the caller may see (its unit in scope); `action` takes its step."""
    application_id = cmd["application_id"]
    application = tx.load(CreditApplication, application_id)
    if not application.exists or (ctx.scope is not None and
                                  application.unit_id not in ctx.scope):
        raise NotFound(f"credit application {application_id} not found")
    action(application)
    return {"id": application_id}


def precheck_application(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    day = today_or(cmd["checked_on"], ctx)
    return on_application(tx, cmd, ctx,
                          lambda app: app.precheck(cmd["outcome"], day, cmd["note"]))


def recommend_application(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    day = today_or(cmd["recommended_on"], ctx)

    def action(app: CreditApplication) -> None:
        try:
            unit = ctx.facts(tx).require_unit(cmd["unit_id"], ctx.scope)
        except NotFound:
            raise InvalidInput.field("unit_id", "is not a known League unit") from None
        app.recommend(unit["id"], unit["kind"], day, cmd["note"])

    return on_application(tx, cmd, ctx, action)


def send_application(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    day = today_or(cmd["sent_on"], ctx)

    def action(app: CreditApplication) -> None:
        coop = ctx.facts(tx).known_cooperative(app.cooperative_id or "")
        app.send(day, coop["uscc"] if coop else None)

    return on_application(tx, cmd, ctx, action)
