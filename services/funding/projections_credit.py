"""The funding projector's credit handlers: grants, loans, held and refused partner events.

Registered on `projections.projector` when `projections` is imported (its last line)."""

from __future__ import annotations

from typing import Any

from psycopg2.extras import execute_values

from eventkit import clock
from services.funding.domain.credit import after_repayment, grant_status
from services.funding.projections import _id, projector


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
