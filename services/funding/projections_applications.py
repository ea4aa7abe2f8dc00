"""The funding projector's handlers of young entrepreneurs and credit applications.

Registered on `projections.projector` when `projections` is imported (its last lines)."""

from __future__ import annotations

from typing import Any

from eventkit import clock
from services.funding.domain.applications import status_after
from services.funding.projections import _id, projector


def _day(instant: str) -> str:
    """The county's calendar date (Asia/Shanghai) of an ISO date or date-time."""
    return clock.county_day(instant).isoformat()


def _birth(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) == 10 and value[:4].isdigit() \
        else None  # erased: null


@projector.on("EntrepreneurRegistered")
def entrepreneur_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO credit_entrepreneurs (id, name, id_key, id_last4, birth_date, phone,"
        " cooperative_id, unit_id, registered_on, updated_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (_id(env), d["name"], d["id_key"], d["id_last4"], _birth(d["birth_date"]), d["phone"],
         d["cooperative_id"], d["unit_id"], d["registered_on"], env["occurred_at"]))


@projector.on("ApplicationSubmitted")
def application_submitted(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO credit_applications (id, entrepreneur_id, partner_id, unit_id,"
        " cooperative_id, amount_fen, term_months, purpose, status, submitted_on, updated_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (_id(env), d["entrepreneur_id"], d["partner_id"], d["unit_id"], d["cooperative_id"],
         d["amount_fen"], d["term_months"], d["purpose"], status_after(env["type"], d),
         d["submitted_on"],
         env["occurred_at"]))


def _update(cur, env: dict[str, Any], **values: Any) -> None:
    """Apply the event's figures and the status the domain gives after it."""
    values = {"status": status_after(env["type"], env["data"]), **values}
    sets = ", ".join(f"{column} = %s" for column in values)
    cur.execute(f"UPDATE credit_applications SET {sets}, updated_at = %s WHERE id = %s",
                [*values.values(), env["occurred_at"], _id(env)])


@projector.on("ApplicationPrechecked")
def application_prechecked(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _update(cur, env, precheck_outcome=d["outcome"], prechecked_on=d["checked_on"],
            precheck_note=d["note"])


@projector.on("ApplicationRecommended")
def application_recommended(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _update(cur, env, recommended_by_unit=d["unit_id"],
            recommended_on=d["recommended_on"], recommendation_note=d["note"])


@projector.on("ApplicationSentToBank")
def application_sent(cur, env: dict[str, Any]) -> None:
    _update(cur, env, sent_on=env["data"]["sent_on"])


@projector.on("ApplicationGranted")
def application_granted(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _update(cur, env, grant_key=d["grant_key"], granted_fen=d["amount_fen"],
            granted_at=d["granted_at"], granted_on=_day(d["granted_at"]))


@projector.on("ApplicationRefused")
def application_refused(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _update(cur, env, refusal_reason=d["reason"], refused_at=d["refused_at"],
            refused_on=_day(d["refused_at"]))
