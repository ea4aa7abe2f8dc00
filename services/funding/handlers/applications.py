"""Young entrepreneurs (致富骨干) and their credit applications: the League's steps (the
bank's answer comes over the partner channel, ingest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.uow import Tx
from services.funding.domain.applications import CreditApplication, YoungEntrepreneur
from services.funding.domain.beneficiary import person_key
from services.funding.handlers.common import Context, today_or

# -- young entrepreneurs ---------------------------------------------------------------------


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


# -- credit applications ---------------------------------------------------------------------


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
