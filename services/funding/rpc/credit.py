"""Partner credit: grants, loans, waiting messages, figures, partners, webhooks, dead letters."""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from eventkit import jsonbody, pagination
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.funding import handlers, partners, queries, webhooks
from services.funding.contract import schemas
from services.funding.ingest import Inbound
from services.funding.rpc.common import Commands


class CreditRpc(Commands):

    # ======================================================================== credit
    @command
    def recommend_grant(self, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        data = load(schemas.RecommendationIn, payload)
        if not partners.PARTNER_ID.match(data["partner_id"]):
            raise InvalidInput.field("partner_id", "is not a partner id")
        result = self._run(handlers.recommend_grant, data, command_id, scope)
        return self.get_grant(result["id"], scope)

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

    def _webhook_secrets(self, partner_id: str) -> list[str]:
        """The secrets a webhook of `partner_id` may be signed with (none: unknown). They
        never leave this service: no RPC answers with them."""
        def query(cur) -> list[str]:
            cur.execute("SELECT s.secret FROM partner_webhook_secrets s"
                        " JOIN partners p ON p.id = s.partner_id"
                        " WHERE s.partner_id = %s AND p.active"
                        " AND (s.expires_at IS NULL OR s.expires_at > now())"
                        " ORDER BY s.created_at DESC", (partner_id,))
            return [r[0] for r in cur.fetchall()]

        return self.es.read(query)

    @command
    def receive_webhook(self, partner_id: str, headers: dict[str, str], body_b64: str) -> dict:
        """A partner's webhook as it came: its headers and raw body (base64). Funding checks
        the Standard Webhooks signature with the partner's secrets (an unknown partner has
        none: the same verdict as a bad signature), then takes the event as the AMQP path
        does. Verdict `refused` (the gateway answers 401) or `accepted`; an invalid event is
        InvalidInput (422) or RuleViolation (409), nothing stored."""
        lowered = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
        try:
            raw = base64.b64decode(body_b64 or "", validate=True)
            message_id, _ = webhooks.verify(self._webhook_secrets(partner_id), lowered, raw,
                                            time.time())
        except (webhooks.SignatureError, binascii.Error, ValueError) as exc:
            return {"verdict": "refused", "reason": str(exc)}
        body = jsonbody.loads(raw)  # 422 for invalid, too deep or unstorable JSON
        if not isinstance(body, dict):
            raise InvalidInput("the body must be a JSON object",
                               {"errors": {"_body": ["not an object"]}})
        outcome = self.inbound.process([Inbound("webhook", partner_id, message_id, None, body)])[0]
        if outcome.status == "rejected":
            reason = outcome.reason or "rejected"
            if outcome.conflict:
                raise RuleViolation(reason, {"message_id": message_id})
            raise InvalidInput(reason, {"errors": {"_body": [reason]}})
        return {"verdict": "accepted", "status": outcome.status, "message_id": message_id,
                "grant": outcome.grant}

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
