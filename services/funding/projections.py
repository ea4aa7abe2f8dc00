"""funding's own read models, updated in the command's transaction (and on rebuild).

Handlers read only funding's own read-model tables and the event itself (never the tracked
org tables), so a rebuild from the event store gives the same rows.
"""

from __future__ import annotations

from typing import Any

from psycopg2.extras import Json, execute_values

from eventkit import clock
from eventkit.projection import Projector
from services.funding.domain.credit import after_repayment, grant_status

projector = Projector(
    "funding",
    tables=[
        "fund_entries", "fund_lines", "fund_pledges",
        "venues", "venue_bookings",
        "dues_rules", "remittance_rules", "dues_accounts", "dues_paid_months", "dues_payments",
        "remittances",
        "credit_grants", "credit_loans", "credit_loan_index", "credit_waiting", "credit_refused",
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


def _line(cur, env: dict[str, Any], on_date: str, kind: str, earmark: str | None,
          available: int, cash: int, source: str | None = None) -> None:
    cur.execute(
        "INSERT INTO fund_lines (entry_id, unit_id, on_date, kind, earmark, source,"
        " available_fen, cash_fen) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (env["data"]["entry_id"], _id(env), on_date, kind, earmark, source, available, cash),
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
    _line(cur, env, d["received_on"], "income", d["earmark"], d["amount_fen"], d["amount_fen"],
          d["source"])
    if d["pledge_id"]:
        cur.execute("UPDATE fund_pledges SET received_fen = received_fen + %s"
                    " WHERE pledge_id = %s", (d["amount_fen"], d["pledge_id"]))


@projector.on("FundsAllocated")
def funds_allocated(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _entry(cur, env, "allocation", d["allocated_on"], amount_fen=d["amount_fen"],
           earmark=d["earmark"], activity_id=d["activity_id"], description=d["note"])
    _line(cur, env, d["allocated_on"], "allocated", d["earmark"], -d["amount_fen"], 0)


@projector.on("ExpenseRecorded")
def expense_recorded(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _entry(cur, env, "expense", d["spent_on"], amount_fen=d["amount_fen"], earmark=d["earmark"],
           allocation_id=d["allocation_id"], approved_by=d["approved_by"],
           invoice_number=d["invoice_number"], description=d["description"])
    if d["allocation_id"] is None:
        _line(cur, env, d["spent_on"], "spent", d["earmark"], -d["amount_fen"], -d["amount_fen"])
    else:
        _line(cur, env, d["spent_on"], "spent_committed", d["earmark"], 0, -d["amount_fen"])


@projector.on("AllocationReleased")
def allocation_released(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _entry(cur, env, "release", d["released_on"], amount_fen=d["amount_fen"],
           earmark=d["earmark"], allocation_id=d["allocation_id"])
    _line(cur, env, d["released_on"], "released", d["earmark"], d["amount_fen"], 0)


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
    cur.execute("SELECT kind, earmark, source, available_fen, cash_fen FROM fund_lines"
                " WHERE entry_id = %s", (original,))
    line = cur.fetchone()
    if line is not None:
        kind, line_earmark, line_source, available, cash = line
        _line(cur, env, d["reversed_on"], kind, line_earmark, -available, -cash, line_source)
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


def _month_after(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def _refresh_paid_up_to(cur, member_id: str) -> None:
    cur.execute("SELECT first_due_month FROM dues_accounts WHERE member_id = %s", (member_id,))
    first = cur.fetchone()[0]
    cur.execute("SELECT month FROM dues_paid_months WHERE member_id = %s AND month >= %s",
                (member_id, first))
    paid = {r[0] for r in cur.fetchall()}
    paid_up_to = None
    month = first
    while month in paid:
        paid_up_to = month
        month = _month_after(month)
    cur.execute("UPDATE dues_accounts SET paid_up_to = %s WHERE member_id = %s",
                (paid_up_to, member_id))


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


# ---- credit -----------------------------------------------------------------------------
def _partner_of(grant_key: str) -> tuple[str, str]:
    partner, _, rest = grant_key.partition(".")
    return partner, rest


def _ensure_grant_row(cur, env: dict[str, Any]) -> str:
    key = _id(env)
    partner, grant_id = _partner_of(key)
    cur.execute("INSERT INTO credit_grants (id, partner_id, grant_id, status, updated_at)"
                " VALUES (%s, %s, %s, 'new', %s) ON CONFLICT (id) DO NOTHING",
                (key, partner, grant_id, env["occurred_at"]))
    return key


def refresh_grant(cur, key: str, at: str) -> None:
    """Recompute a grant's money figures and status from its loans (see CreditGrant.status)."""
    cur.execute(
        """
        UPDATE credit_grants g SET
            loans = s.n, disbursed_fen = s.disbursed, repaid_fen = s.repaid,
            outstanding_fen = s.outstanding, overdue_fen = s.overdue,
            held_events = s.held, updated_at = %s
        FROM (
            SELECT count(l.*) AS n,
                   coalesce(sum(l.amount_fen), 0) AS disbursed,
                   coalesce(sum(l.repaid_fen), 0) AS repaid,
                   coalesce(sum(l.outstanding_fen), 0) AS outstanding,
                   coalesce(sum(l.overdue_fen), 0) AS overdue,
                   count(l.*) FILTER (WHERE NOT l.settled) AS open,
                   (SELECT count(*) FROM credit_waiting w
                     WHERE w.stream = %s AND w.where_held = 'grant') AS held
            FROM credit_loans l WHERE l.grant_key = %s
        ) s
        WHERE g.id = %s
        RETURNING g.revoked_at IS NOT NULL, g.granted_at IS NOT NULL, s.held > 0,
                  g.recommended_by_unit IS NOT NULL
        """,
        (at, key, key, key),
    )
    row = cur.fetchone()
    if row is None:
        return
    revoked, granted, held, recommended = row
    cur.execute("SELECT settled, overdue_fen FROM credit_loans WHERE grant_key = %s", (key,))
    loans = [{"settled": s, "overdue_fen": o} for s, o in cur.fetchall()]
    cur.execute("UPDATE credit_grants SET status = %s WHERE id = %s",
                (grant_status(revoked=revoked, granted=granted, held=held,
                              recommended=recommended, loans=loans), key))


def _done_waiting(cur, partner: str, message_id: str) -> None:
    cur.execute("DELETE FROM credit_waiting WHERE partner_id = %s AND message_id = %s",
                (partner, message_id))


@projector.on("GrantRecommended")
def grant_recommended(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    key = _ensure_grant_row(cur, env)
    cur.execute("UPDATE credit_grants SET recommended_by_unit = %s, recommended_on = %s,"
                " unit_id = coalesce(unit_id, %s) WHERE id = %s",
                (d["unit_id"], d["recommended_on"], d["unit_id"], key))
    refresh_grant(cur, key, env["occurred_at"])


@projector.on("PartnerEventHeld")
def partner_event_held(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    key = _ensure_grant_row(cur, env)
    partner, grant_id = _partner_of(key)
    body = d["body"]
    cur.execute(
        "INSERT INTO credit_waiting (message_id, partner_id, stream, where_held, event_type,"
        " loan_id, grant_id, received_at) VALUES (%s, %s, %s, 'grant', %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (d["message_id"], partner, key, d["event_type"], body.get("loan_id"), grant_id,
         d["received_at"]),
    )
    if d["event_type"] == "loan.disbursed":
        cur.execute("INSERT INTO credit_loan_index (partner_id, loan_id, grant_key)"
                    " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    (partner, body["loan_id"], key))
    refresh_grant(cur, key, env["occurred_at"])


_GRANTED_COLUMNS = (
    "id, partner_id, grant_id, status, beneficiary_kind, beneficiary_name, uscc, cooperative_id,"
    " id_key, id_last4, birth_year, township, industry, unit_id, amount_fen, term_months,"
    " annual_rate_bp, guarantee, purpose, granted_at, granted_on, recommended_by_unit,"
    " updated_at"
)


def _granted_row(env: dict[str, Any]) -> tuple:
    d = env["data"]
    b = d["beneficiary"]
    unit = d["recommended_by_unit"] or b.get("unit_id")
    # a grant just granted has no loans yet: the domain's status of that state
    status = grant_status(revoked=False, granted=True, held=False, recommended=False, loans=[])
    return (_id(env), d["partner_id"], d["grant_id"], status, b["kind"], b.get("name"),
            b.get("uscc"), b.get("cooperative_id"), b.get("id_key"), b.get("id_last4"),
            b.get("birth_year"), b.get("township_id"), b.get("industry"), unit, d["amount_fen"],
            d["term_months"], d["annual_rate_bp"], d["guarantee"], d["purpose"],
            d["granted_at"], _date_part(d["granted_at"]), d["recommended_by_unit"],
            env["occurred_at"])


@projector.on("CreditGranted")
def credit_granted(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        f"""
        INSERT INTO credit_grants AS g ({_GRANTED_COLUMNS})
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
            %s, %s, %s, %s)
        ON CONFLICT (id) DO UPDATE SET beneficiary_kind = EXCLUDED.beneficiary_kind,
            beneficiary_name = EXCLUDED.beneficiary_name, uscc = EXCLUDED.uscc,
            cooperative_id = EXCLUDED.cooperative_id, id_key = EXCLUDED.id_key,
            id_last4 = EXCLUDED.id_last4, birth_year = EXCLUDED.birth_year,
            township = EXCLUDED.township, industry = EXCLUDED.industry,
            unit_id = coalesce(EXCLUDED.unit_id, g.unit_id), amount_fen = EXCLUDED.amount_fen,
            term_months = EXCLUDED.term_months, annual_rate_bp = EXCLUDED.annual_rate_bp,
            guarantee = EXCLUDED.guarantee, purpose = EXCLUDED.purpose,
            granted_at = EXCLUDED.granted_at, granted_on = EXCLUDED.granted_on,
            recommended_by_unit = coalesce(EXCLUDED.recommended_by_unit, g.recommended_by_unit),
            updated_at = EXCLUDED.updated_at
        RETURNING (xmax = 0)
        """,
        _granted_row(env),
    )
    inserted = cur.fetchone()[0]
    if not inserted:  # it was recommended or had events waiting
        _done_waiting(cur, d["partner_id"], d["message_id"])
        refresh_grant(cur, _id(env), env["occurred_at"])


def credit_granted_many(cur, envelopes: list[dict[str, Any]]) -> None:
    """`credit_granted` for grants that open their stream (version 1: no row exists yet,
    nothing waits), in one statement: the partner consumer's fast path."""
    assert all(e["type"] == "CreditGranted" and e["version"] == 1 for e in envelopes)
    execute_values(cur, f"INSERT INTO credit_grants ({_GRANTED_COLUMNS}) VALUES %s",
                   [_granted_row(e) for e in envelopes], page_size=1000)


def _date_part(instant: str) -> str:
    """The county's calendar date (Asia/Shanghai) of an ISO date or date-time."""
    return clock.county_day(instant).isoformat()


@projector.on("LoanDisbursed")
def loan_disbursed(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    key = _id(env)
    partner, _ = _partner_of(key)
    cur.execute(
        "INSERT INTO credit_loans (partner_id, loan_id, grant_key, amount_fen, disbursed_at,"
        " disbursed_on, maturity_date, outstanding_fen) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (partner, d["loan_id"], key, d["amount_fen"], d["disbursed_at"],
         _date_part(d["disbursed_at"]), d["maturity_date"], d["amount_fen"]),
    )
    cur.execute("INSERT INTO credit_loan_index (partner_id, loan_id, grant_key)"
                " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", (partner, d["loan_id"], key))
    _done_waiting(cur, partner, d["message_id"])
    refresh_grant(cur, key, env["occurred_at"])


@projector.on("LoanRepaid")
def loan_repaid(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    key = _id(env)
    partner, _ = _partner_of(key)
    # the aggregate's arithmetic (domain.credit.after_repayment), applied to the row
    cur.execute("SELECT repaid_fen, outstanding_fen, overdue_fen, settled FROM credit_loans"
                " WHERE partner_id = %s AND loan_id = %s", (partner, d["loan_id"]))
    row = cur.fetchone()
    if row is not None:
        loan = dict(zip(("repaid_fen", "outstanding_fen", "overdue_fen", "settled"), row,
                        strict=True))
        after = after_repayment(loan, d["amount_fen"], d["settled"])
        cur.execute("UPDATE credit_loans SET repaid_fen = %(repaid_fen)s,"
                    " outstanding_fen = %(outstanding_fen)s, overdue_fen = %(overdue_fen)s,"
                    " settled = %(settled)s WHERE partner_id = %(partner)s AND loan_id = %(loan)s",
                    {**after, "partner": partner, "loan": d["loan_id"]})
    _done_waiting(cur, partner, d["message_id"])
    refresh_grant(cur, key, env["occurred_at"])


@projector.on("LoanOverdue")
def loan_overdue(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    key = _id(env)
    partner, _ = _partner_of(key)
    cur.execute("UPDATE credit_loans SET overdue_fen = %s, overdue_as_of = %s"
                " WHERE partner_id = %s AND loan_id = %s",
                (d["overdue_fen"], d["as_of"], partner, d["loan_id"]))
    _done_waiting(cur, partner, d["message_id"])
    refresh_grant(cur, key, env["occurred_at"])


@projector.on("CreditRevoked")
def credit_revoked(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    key = _id(env)
    partner, _ = _partner_of(key)
    cur.execute("UPDATE credit_grants SET revoked_at = %s, revoke_reason = %s WHERE id = %s",
                (d["revoked_at"], d["reason"], key))
    _done_waiting(cur, partner, d["message_id"])
    refresh_grant(cur, key, env["occurred_at"])


@projector.on("PartnerEventRefused")
def partner_event_refused(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    key = _ensure_grant_row(cur, env)
    partner, _ = _partner_of(key)
    cur.execute("INSERT INTO credit_refused (message_id, grant_key, event_type, reason,"
                " refused_at) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (d["message_id"], key, d["event_type"], d["reason"], env["occurred_at"]))
    cur.execute("UPDATE credit_grants SET refused_events = refused_events + 1 WHERE id = %s",
                (key,))
    _done_waiting(cur, partner, d["message_id"])
    refresh_grant(cur, key, env["occurred_at"])


@projector.on("LoanEventParked")
def loan_event_parked(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    key = _id(env)
    partner, loan_id = _partner_of(key)
    cur.execute(
        "INSERT INTO credit_waiting (message_id, partner_id, stream, where_held, event_type,"
        " loan_id, received_at) VALUES (%s, %s, %s, 'parked', %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (d["message_id"], partner, key, d["event_type"], loan_id, d["received_at"]),
    )


@projector.on("ParkedLoanEventsReleased")
def parked_loan_events_released(cur, env: dict[str, Any]) -> None:
    partner, _ = _partner_of(_id(env))
    cur.execute("DELETE FROM credit_waiting WHERE partner_id = %s AND message_id = ANY(%s)"
                " AND where_held = 'parked'", (partner, env["data"]["message_ids"]))
