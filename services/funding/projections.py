"""funding's own read models, updated in the command's transaction (and on rebuild).

Handlers read only funding's own read-model tables and the event itself (never the tracked
org tables), so a rebuild from the event store gives the same rows.
"""

from __future__ import annotations

from typing import Any

from psycopg2.extras import Json

from eventkit.projection import Projector
from services.funding.domain.dues import paid_up_to
from services.funding.domain.journal import JournalLine, journal_line, reversal_line

projector = Projector(
    "funding",
    tables=[
        "fund_entries", "fund_lines", "fund_pledges",
        "venues", "venue_bookings",
        "dues_rules", "remittance_rules", "dues_accounts", "dues_paid_months", "dues_payments",
        "remittances",
        "credit_grants", "credit_loans", "credit_loan_index", "credit_waiting", "credit_refused",
        "credit_entrepreneurs", "credit_applications",
    ],
)




def _id(env: dict[str, Any]) -> str:
    return env["stream_id"].split("-", 1)[1]


# ---- funds ------------------------------------------------------------------------------
_ENTRY_COLUMNS = (
    "entry_id", "unit_id", "type", "on_date", "amount_fen", "source", "earmark",
    "receipt_number", "pledge_id", "allocation_id", "activity_id", "reverses_entry_id",
    "reason", "payer_name", "payer_uscc", "agreement_ref", "approved_by", "invoice_number",
    "description", "recorded_at", "position",
)


def _entry(cur, env: dict[str, Any], kind: str, on_date: str, **values: Any) -> None:
    d = env["data"]
    row = {c: None for c in _ENTRY_COLUMNS}
    row.update(entry_id=d["entry_id"], unit_id=_id(env), type=kind, on_date=on_date,
               recorded_at=env["occurred_at"], position=env["position"])
    row.update(values)
    cols = ", ".join(_ENTRY_COLUMNS)
    marks = ", ".join(["%s"] * len(_ENTRY_COLUMNS))
    cur.execute(f"INSERT INTO fund_entries ({cols}) VALUES ({marks})",
                [row[c] for c in _ENTRY_COLUMNS])


def _line(cur, env: dict[str, Any], line: JournalLine | None = None) -> None:
    """The entry's line in fund_lines: the one the aggregate posts (domain.journal)."""
    line = line or journal_line(env["type"], env["data"])
    assert line is not None, env["type"]
    cur.execute(
        "INSERT INTO fund_lines (entry_id, unit_id, on_date, kind, earmark, source,"
        " available_fen, cash_fen) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (env["data"]["entry_id"], _id(env), line.on, line.kind, line.earmark, line.source,
         line.available, line.cash),
    )


@projector.on("PledgeRecorded")
def pledge_recorded(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _entry(cur, env, "pledge", d["pledged_on"], amount_fen=d["amount_fen"], source=d["source"],
           earmark=d["earmark"], payer_name=d["payer_name"], payer_uscc=d["payer_uscc"],
           agreement_ref=d["agreement_ref"])
    cur.execute(
        "INSERT INTO fund_pledges (pledge_id, unit_id, source, payer_name, payer_uscc,"
        " agreement_ref, earmark, amount_fen, pledged_on)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (d["entry_id"], _id(env), d["source"], d["payer_name"], d["payer_uscc"],
         d["agreement_ref"], d["earmark"], d["amount_fen"], d["pledged_on"]),
    )


@projector.on("ReceiptRecorded")
def receipt_recorded(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _entry(cur, env, "receipt", d["received_on"], amount_fen=d["amount_fen"],
           source=d["source"], earmark=d["earmark"], receipt_number=d["receipt_number"],
           pledge_id=d["pledge_id"], payer_name=d["payer_name"])
    _line(cur, env)
    if d["pledge_id"]:
        cur.execute("UPDATE fund_pledges SET received_fen = received_fen + %s"
                    " WHERE pledge_id = %s", (d["amount_fen"], d["pledge_id"]))


@projector.on("FundsAllocated")
def funds_allocated(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _entry(cur, env, "allocation", d["allocated_on"], amount_fen=d["amount_fen"],
           earmark=d["earmark"], activity_id=d["activity_id"], description=d["note"])
    _line(cur, env)


@projector.on("ExpenseRecorded")
def expense_recorded(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _entry(cur, env, "expense", d["spent_on"], amount_fen=d["amount_fen"], earmark=d["earmark"],
           allocation_id=d["allocation_id"], approved_by=d["approved_by"],
           invoice_number=d["invoice_number"], description=d["description"])
    _line(cur, env)


@projector.on("AllocationReleased")
def allocation_released(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _entry(cur, env, "release", d["released_on"], amount_fen=d["amount_fen"],
           earmark=d["earmark"], allocation_id=d["allocation_id"])
    _line(cur, env)


@projector.on("EntryReversed")
def entry_reversed(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    original = d["reverses_entry_id"]
    cur.execute("SELECT type, amount_fen, source, earmark, pledge_id FROM fund_entries"
                " WHERE entry_id = %s", (original,))
    otype, amount, source, earmark, pledge_id = cur.fetchone()
    _entry(cur, env, "reversal", d["reversed_on"], amount_fen=amount, source=source,
           earmark=earmark, reverses_entry_id=original, reason=d["reason"])
    cur.execute("UPDATE fund_entries SET reversed_by = %s WHERE entry_id = %s",
                (d["entry_id"], original))
    cur.execute("SELECT on_date::text, kind, earmark, available_fen, cash_fen, source"
                " FROM fund_lines WHERE entry_id = %s", (original,))
    row = cur.fetchone()
    if row is not None:  # a pledge moves no money: nothing to negate
        _line(cur, env, reversal_line(JournalLine(*row), d["reversed_on"]))
    if otype == "receipt" and pledge_id:
        cur.execute("UPDATE fund_pledges SET received_fen = received_fen - %s"
                    " WHERE pledge_id = %s", (amount, pledge_id))
    if otype == "pledge":
        cur.execute("UPDATE fund_pledges SET reversed = true WHERE pledge_id = %s", (original,))


# ---- venues -----------------------------------------------------------------------------
@projector.on("VenueRegistered")
def venue_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO venues (id, name, provider_kind, provider_name, provider_id, capacity,"
        " unit_id, address, registered_at, version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s,"
        " %s, %s)",
        (_id(env), d["name"], d["provider_kind"], d["provider_name"], d["provider_id"],
         d["capacity"], d["unit_id"], d["address"], env["occurred_at"], env["version"]),
    )


@projector.on("VenueCapacityChanged")
def venue_capacity_changed(cur, env: dict[str, Any]) -> None:
    cur.execute("UPDATE venues SET capacity = %s, version = %s WHERE id = %s",
                (env["data"]["capacity"], env["version"], _id(env)))


@projector.on("VenueBooked")
def venue_booked(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO venue_bookings (booking_id, venue_id, activity_id, starts_at, ends_at,"
        " expected_attendance) VALUES (%s, %s, %s, %s, %s, %s)",
        (d["booking_id"], _id(env), d["activity_id"], d["starts_at"], d["ends_at"],
         d["expected_attendance"]),
    )
    cur.execute("UPDATE venues SET version = %s WHERE id = %s", (env["version"], _id(env)))


@projector.on("VenueBookingCancelled")
def venue_booking_cancelled(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("UPDATE venue_bookings SET cancelled = true, cancel_reason = %s"
                " WHERE booking_id = %s", (d["reason"], d["booking_id"]))
    cur.execute("UPDATE venues SET version = %s WHERE id = %s", (env["version"], _id(env)))


# ---- rules and dues ---------------------------------------------------------------------
@projector.on("DuesRuleAdded")
def dues_rule_added(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("INSERT INTO dues_rules (version, effective_from, rule) VALUES (%s, %s, %s)",
                (d["version"], d["effective_from"], Json(d)))


@projector.on("RemittanceRuleAdded")
def remittance_rule_added(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("INSERT INTO remittance_rules (version, effective_from, retained_bp, rebate_bp)"
                " VALUES (%s, %s, %s, %s)",
                (d["version"], d["effective_from"], d["retained_bp"], d["rebate_bp"]))


def _refresh_paid_up_to(cur, member_id: str) -> None:
    """The account's paid_up_to, as the aggregate computes it (domain.dues.paid_up_to)."""
    cur.execute("SELECT first_due_month FROM dues_accounts WHERE member_id = %s", (member_id,))
    first = cur.fetchone()[0]
    cur.execute("SELECT month FROM dues_paid_months WHERE member_id = %s AND month >= %s",
                (member_id, first))
    paid = {r[0] for r in cur.fetchall()}
    cur.execute("UPDATE dues_accounts SET paid_up_to = %s WHERE member_id = %s",
                (paid_up_to(first, paid), member_id))


@projector.on("MemberDuesStarted")
def member_dues_started(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO dues_accounts (member_id, first_due_month, category, income_fen, basis,"
        " updated_at) VALUES (%s, %s, %s, %s, %s, %s)",
        (_id(env), d["from_month"], d["category"], d["income_fen"],
         Json([[d["from_month"], d["category"], d["income_fen"]]]), env["occurred_at"]),
    )


@projector.on("DuesBasisChanged")
def dues_basis_changed(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("SELECT basis FROM dues_accounts WHERE member_id = %s", (_id(env),))
    basis = cur.fetchone()[0] + [[d["effective_from"], d["category"], d["income_fen"]]]
    basis.sort(key=lambda b: b[0])
    current = basis[-1]
    cur.execute("UPDATE dues_accounts SET basis = %s, category = %s, income_fen = %s,"
                " updated_at = %s WHERE member_id = %s",
                (Json(basis), current[1], current[2], env["occurred_at"], _id(env)))


@projector.on("DuesPaid")
def dues_paid(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    member = _id(env)
    cur.execute(
        "INSERT INTO dues_payments (payment_id, member_id, months, from_month, to_month,"
        " amount_fen, paid_on, breakdown, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (d["payment_id"], member, Json(d["months"]), d["months"][0], d["months"][-1],
         d["amount_fen"], d["paid_on"], Json(d["breakdown"]), env["position"]),
    )
    for line in d["breakdown"]:
        cur.execute("INSERT INTO dues_paid_months (member_id, month, payment_id, due_fen)"
                    " VALUES (%s, %s, %s, %s)",
                    (member, line["month"], d["payment_id"], line["due_fen"]))
    cur.execute("UPDATE dues_accounts SET total_paid_fen = total_paid_fen + %s,"
                " last_paid_on = greatest(last_paid_on, %s::date), updated_at = %s"
                " WHERE member_id = %s",
                (d["amount_fen"], d["paid_on"], env["occurred_at"], member))
    _refresh_paid_up_to(cur, member)


@projector.on("DuesPaymentReversed")
def dues_payment_reversed(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    member = _id(env)
    cur.execute("UPDATE dues_payments SET reversed = true, reversed_on = %s, reason = %s"
                " WHERE payment_id = %s RETURNING amount_fen",
                (d["reversed_on"], d["reason"], d["payment_id"]))
    amount = cur.fetchone()[0]
    cur.execute("DELETE FROM dues_paid_months WHERE member_id = %s AND payment_id = %s",
                (member, d["payment_id"]))
    cur.execute("UPDATE dues_accounts SET total_paid_fen = total_paid_fen - %s,"
                " updated_at = %s WHERE member_id = %s", (amount, env["occurred_at"], member))
    _refresh_paid_up_to(cur, member)


@projector.on("DuesRemitted")
def dues_remitted(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO remittances (remittance_id, unit_id, period_from, period_to, collected_fen,"
        " retained_fen, remitted_fen, rebate_fen, kept_above_fen, rule_version, retained_bp,"
        " rebate_bp, recorded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (d["remittance_id"], d["unit_id"], d["period_from"], d["period_to"], d["collected_fen"],
         d["retained_fen"], d["remitted_fen"], d["rebate_fen"], d["kept_above_fen"],
         d["rule_version"], d["retained_bp"], d["rebate_bp"], env["occurred_at"]),
    )


# The credit handlers register on the same projector (a module of their own for size).
from services.funding.projections_applications import application_granted  # noqa: E402,F401
from services.funding.projections_credit import credit_granted_many  # noqa: E402,F401
