"""The one code path for partner events: AMQP deliveries, replayed dead letters, webhooks.

`Ingest.process(items)` handles a batch in ONE transaction, in order:

1. shape checks that need no database (user_id against the routing key's partner, message
   id, type, JSON, the body via `validate_partner_body`);
2. a few set-wise queries: which partners exist, which (partner, message id) were accepted
   before, the cooperatives by USCC, the units, which grant a loan belongs to, the grant
   streams themselves;
3. the domain decides message by message in memory (`CreditGrant`, `PendingLoanEvents`);
4. the new events of the whole batch are appended in one insert under the store's append
   lock with an expected-version check per stream (a concurrent writer: the batch is
   retried), projected, and the accepted message ids, counters and dead-letter records are
   written in the same transaction.

A duplicate (partner, message id) changes nothing but a counter. A rejected message stores
nothing but a counter and a dead-letter record (its body is never stored: it may hold a
resident id). The caller acknowledges deliveries only after `process` returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import psycopg2
import psycopg2.errors
import psycopg2.extras

from eventkit import logs
from eventkit.db import Pool
from eventkit.errors import ConcurrencyConflict, InvalidInput, RuleViolation
from eventkit.projection import Projector
from eventkit.registry import EventRegistry
from eventkit.store import Envelope, EventStore
from services.funding.domain.applications import CreditApplication
from services.funding.domain.credit import (
    CooperativeRef,
    CreditGrant,
    PendingLoanEvents,
    grant_aggregate_id,
    pending_loan_id,
    resolve_beneficiary,
)
from services.funding.inbound import (  # noqa: F401 - importable from here too
    _COLUMNS,
    _GRANT_KEYED,
    _MAX_ID,
    CHANNELS,
    Inbound,
    Outcome,
    _Batch,
    _Item,
    check_shape,
    claimed_partner,
    dead_letter_key,
)
from services.funding.projections import credit_granted_many

log = logs.get("funding.ingest")

class Ingest:
    def __init__(self, pool: Pool, registry: EventRegistry, projector: Projector,
                 person_secret: bytes, schema: str = "funding",
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.pool = pool
        self.registry = registry
        self.projector = projector
        self.person_secret = person_secret
        self.schema = schema
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    # ------------------------------------------------------------------ entry point
    def process(self, items: list[Inbound], retries: int = 5) -> list[Outcome]:
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.pool.transaction() as cur:
                    return self._process(cur, items)
            except (ConcurrencyConflict, psycopg2.errors.UniqueViolation) as exc:
                # Another consumer or command wrote the same stream or message id first:
                # reload and decide again (the duplicate check then sees its work).
                if attempt > retries:
                    raise
                log.info("partner batch retried", attempt=attempt, error=str(exc)[:200])

    # ------------------------------------------------------------------ the batch
    def _process(self, cur, items: list[Inbound]) -> list[Outcome]:
        now = self.clock()
        outcomes: list[Outcome | None] = [None] * len(items)
        parsed: list[_Item] = []
        for i, item in enumerate(items):
            shape = check_shape(item)
            if isinstance(shape, str):
                outcomes[i] = Outcome("rejected", claimed_partner(item), shape,
                                      message_id=item.message_id)
            else:
                partner, event_type, body = shape
                parsed.append(_Item(i, partner, str(item.message_id), event_type, body,
                                    item.channel))

        known = self._known_partners(cur, {p.partner for p in parsed})
        seen = self._seen(cur, [(p.partner, p.message_id) for p in parsed
                                if p.partner in known])
        coops = self._cooperatives(cur, {p.body["beneficiary"]["uscc"] for p in parsed
                                         if p.event_type == "credit.granted"
                                         and p.body["beneficiary"]["kind"] == "cooperative"})
        units = self._units(cur, {p.body["recommended_by_unit"] for p in parsed
                                  if p.event_type == "credit.granted"
                                  and p.body.get("recommended_by_unit")})
        batch = _Batch()
        self._preload(cur, batch, [p for p in parsed if p.partner in known])

        accepted_now: set[tuple[str, str]] = set()
        for p in parsed:
            if p.partner not in known:
                outcomes[p.index] = Outcome("rejected", p.partner, f"unknown partner {p.partner!r}",
                                            message_id=p.message_id)
                continue
            if (p.partner, p.message_id) in seen or (p.partner, p.message_id) in accepted_now:
                outcomes[p.index] = Outcome("duplicate", p.partner, message_id=p.message_id)
                continue
            if p.event_type == "credit.granted":
                reason = self._resolve(p, coops, units)
                if reason is not None:
                    outcomes[p.index] = Outcome("rejected", p.partner, reason,
                                                message_id=p.message_id)
                    continue
            meta = {"source": "funding", "actor": f"partner:{p.partner}",
                    "correlation_id": p.message_id, "causation_id": p.message_id,
                    "channel": p.channel}
            snapshot = batch.snapshot()
            try:
                status, grant = self._decide(cur, batch, p, now)
            except (RuleViolation, InvalidInput) as refusal:
                if not batch.unchanged_since(snapshot):
                    raise RuntimeError("a refused partner event left recorded events") from None
                batch.commit_message(meta)
                outcomes[p.index] = Outcome("rejected", p.partner, refusal.detail,
                                            conflict=isinstance(refusal, RuleViolation),
                                            message_id=p.message_id)
                continue
            batch.commit_message(meta)
            if status == "duplicate":
                outcomes[p.index] = Outcome("duplicate", p.partner, message_id=p.message_id,
                                            grant=grant)
                continue
            accepted_now.add((p.partner, p.message_id))
            outcomes[p.index] = Outcome(status, p.partner, grant=grant, message_id=p.message_id)

        self._project(cur, self._append(cur, batch))
        final = [o for o in outcomes if o is not None]
        assert len(final) == len(items)
        self._record(cur, items, final, now)
        return final

    # ------------------------------------------------------------------ decisions
    def _resolve(self, p: _Item, coops: dict[str, CooperativeRef],
                 units: set[str]) -> str | None:
        beneficiary = p.body["beneficiary"]
        coop = coops.get(beneficiary.get("uscc", "")) if beneficiary["kind"] == "cooperative" \
            else None
        resolved = resolve_beneficiary(beneficiary, self.person_secret, coop)
        if isinstance(resolved, str):
            return f"{resolved}: no cooperative with USCC {beneficiary.get('uscc')} is known" \
                if beneficiary["kind"] == "cooperative" else resolved
        unit = p.body.get("recommended_by_unit")
        if unit and unit not in units:
            return f"recommended_by_unit {unit!r} is not a known League unit"
        p.body = {**p.body, "beneficiary": resolved}
        return None

    def _decide(self, cur, batch: _Batch, p: _Item, now: dt.datetime) -> tuple[str, str | None]:
        if p.event_type == "credit.refused":
            application = self._application(cur, batch, p.body["application_ref"])
            batch.touch(application)
            return application.bank_refused(p.partner, p.message_id, p.body["reason"],
                                            p.body["refused_at"]), None
        application = None
        if p.event_type == "credit.granted" and p.body.get("application_ref"):
            # the answer to a League application: checked before anything is recorded
            application = self._application(cur, batch, p.body["application_ref"])
            application.check_answer(p.partner, p.body["beneficiary"])
            batch.touch(application)
            if not p.body.get("recommended_by_unit"):
                p.body = {**p.body, "recommended_by_unit": application.recommended_by_unit}
        if p.event_type in _GRANT_KEYED:
            key = grant_aggregate_id(p.partner, p.body["grant_id"])
            grant = self._grant(cur, batch, key)
            batch.touch(grant)
            loans_before = set(grant.loans)
            held_before = set(grant.held)
            status = grant.receive(p.message_id, p.event_type, p.body, now)
            if application is not None and status == "applied":
                application.bank_granted(p.partner, p.message_id, p.body["grant_id"],
                                         p.body["amount_fen"], p.body["granted_at"])
            if p.event_type == "loan.disbursed" and p.message_id in grant.held and \
                    p.message_id not in held_before:
                batch.loan_index[(p.partner, p.body["loan_id"])] = key
            for loan_id in sorted(set(grant.loans) - loans_before):
                batch.loan_index[(p.partner, loan_id)] = key
                self._feed_parked(cur, batch, p.partner, loan_id, grant, now)
            return status, key
        loan_id = p.body["loan_id"]
        key = batch.loan_index.get((p.partner, loan_id))
        if key is not None:
            grant = self._grant(cur, batch, key)
            batch.touch(grant)
            return grant.receive(p.message_id, p.event_type, p.body, now), key
        pending = self._pending(cur, batch, pending_loan_id(p.partner, loan_id))
        batch.touch(pending)
        status = pending.park(p.message_id, p.event_type, p.body, now)
        batch.parked_keys.add(pending.id)
        return status, None

    def _feed_parked(self, cur, batch: _Batch, partner: str, loan_id: str, grant: CreditGrant,
                     now: dt.datetime) -> None:
        """A loan became known: its parked repayments/overdues go to the grant first, and
        are released from the pending stream afterwards (see domain/credit.py)."""
        key = pending_loan_id(partner, loan_id)
        if key not in batch.parked_keys:
            return
        pending = self._pending(cur, batch, key)
        waiting = pending.waiting()
        if not waiting:
            return
        for event in waiting:
            try:
                grant.receive(event["message_id"], event["event_type"], event["body"], now)
            except RuleViolation as refusal:
                grant.refuse(event["message_id"], event["event_type"], refusal.detail)
        batch.touch(pending)
        pending.release([e["message_id"] for e in waiting], now)

    # ------------------------------------------------------------------ loading
    def _grant(self, cur, batch: _Batch, key: str) -> CreditGrant:
        grant = batch.grants.get(key)
        if grant is None:
            history = self._history(cur, CreditGrant.stream_id_for(key))
            grant = CreditGrant.from_history(key, history)
            batch.grants[key] = grant
        return grant

    def _application(self, cur, batch: _Batch, ref: str) -> CreditApplication:
        application = batch.applications.get(ref)
        if application is None:
            application = CreditApplication.from_history(
                ref, self._history(cur, CreditApplication.stream_id_for(ref)))
            batch.applications[ref] = application
        return application

    def _pending(self, cur, batch: _Batch, key: str) -> PendingLoanEvents:
        pending = batch.pending.get(key)
        if pending is None:
            pending = PendingLoanEvents.from_history(
                key, self._history(cur, PendingLoanEvents.stream_id_for(key)))
            batch.pending[key] = pending
        return pending

    def _history(self, cur, stream_id: str) -> list[tuple[str, dict[str, Any]]]:
        cur.execute("SELECT type, schema_version, data FROM events WHERE stream_id = %s"
                    " ORDER BY version", (stream_id,))
        return [self._upcast(*row) for row in cur.fetchall()]

    def _upcast(self, event_type: str, version: int, data: dict) -> tuple[str, dict[str, Any]]:
        return event_type, self.registry.upcast(event_type, version, data)[1]

    def _preload(self, cur, batch: _Batch, items: list[_Item]) -> None:
        """Load, in a few queries, every grant and loan index entry the batch will need."""
        loans = sorted({(p.partner, p.body["loan_id"]) for p in items if "loan_id" in p.body})
        if loans:
            cur.execute(
                "SELECT i.partner_id, i.loan_id, i.grant_key FROM credit_loan_index i"
                " JOIN unnest(%s::text[], %s::text[]) AS q(p, l)"
                " ON i.partner_id = q.p AND i.loan_id = q.l",
                ([p for p, _ in loans], [lo for _, lo in loans]))
            for partner, loan_id, key in cur.fetchall():
                batch.loan_index[(partner, loan_id)] = key
            cur.execute(
                "SELECT DISTINCT stream FROM credit_waiting w"
                " JOIN unnest(%s::text[], %s::text[]) AS q(p, l)"
                " ON w.partner_id = q.p AND w.loan_id = q.l WHERE w.where_held = 'parked'",
                ([p for p, _ in loans], [lo for _, lo in loans]))
            batch.parked_keys.update(r[0] for r in cur.fetchall())
        keys = {grant_aggregate_id(p.partner, p.body["grant_id"]) for p in items
                if "grant_id" in p.body}
        keys.update(batch.loan_index.values())
        if not keys:
            return
        streams = {CreditGrant.stream_id_for(k): k for k in keys}
        cur.execute("SELECT stream_id, type, schema_version, data FROM events"
                    " WHERE stream_id = ANY(%s) ORDER BY stream_id, version", (list(streams),))
        history: dict[str, list[tuple[str, dict[str, Any]]]] = {k: [] for k in keys}
        for stream_id, event_type, version, data in cur.fetchall():
            history[streams[stream_id]].append(self._upcast(event_type, version, data))
        for key, events in history.items():
            batch.grants[key] = CreditGrant.from_history(key, events)

    def _known_partners(self, cur, partners: set[str]) -> set[str]:
        if not partners:
            return set()
        cur.execute("SELECT id FROM partners WHERE id = ANY(%s) AND active", (list(partners),))
        return {r[0] for r in cur.fetchall()}

    def _seen(self, cur, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        if not keys:
            return set()
        cur.execute(
            "SELECT m.partner_id, m.message_id FROM partner_messages m"
            " JOIN unnest(%s::text[], %s::text[]) AS q(p, m)"
            " ON m.partner_id = q.p AND m.message_id = q.m",
            ([p for p, _ in keys], [m for _, m in keys]))
        return {(r[0], r[1]) for r in cur.fetchall()}

    def _cooperatives(self, cur, usccs: set[str]) -> dict[str, CooperativeRef]:
        if not usccs:
            return {}
        cur.execute(
            """
            SELECT c.uscc, c.id, c.name, c.township, c.industry_category,
                   (SELECT uc.unit_id FROM unit_cooperatives uc
                      JOIN known_units u ON u.id = uc.unit_id
                     WHERE uc.cooperative_id = c.id AND u.status = 'active'
                     ORDER BY (u.kind IN ('branch', 'joint_branch', 'general_branch')) DESC,
                              u.org_position DESC
                     LIMIT 1)
              FROM known_cooperatives c WHERE c.uscc = ANY(%s)
            """, (list(usccs),))
        return {r[0]: CooperativeRef(r[1], name=r[2], township_id=r[3], industry=r[4],
                                     unit_id=r[5]) for r in cur.fetchall()}

    def _units(self, cur, units: set[str]) -> set[str]:
        if not units:
            return set()
        cur.execute("SELECT id FROM known_units WHERE id = ANY(%s)", (list(units),))
        return {r[0] for r in cur.fetchall()}

    # ------------------------------------------------------------------ writing
    def _project(self, cur, envelopes: list[Envelope]) -> None:
        """Apply the projector in position order; runs of grants that open their stream
        (the bulk of a bank's feed) go in one statement (`credit_granted_many`)."""
        run: list[Envelope] = []
        for env in envelopes:
            if env["type"] == "CreditGranted" and env["version"] == 1:
                run.append(env)
                continue
            if run:
                credit_granted_many(cur, run)
                run = []
            self.projector.apply(cur, env)
        if run:
            credit_granted_many(cur, run)


    def _append(self, cur, batch: _Batch) -> list[Envelope]:
        """Append every new event of the batch in recording order, in one insert: the
        store's batched append (`EventStore.append_events`), with its lock, positions in
        order and conflict on a stream that moved meanwhile (the batch is then retried by
        `process`)."""
        if not batch.sequence:
            return []
        envelopes = EventStore(self.schema, self.registry).append_events(
            cur, [(agg.stream_id, agg.version + index + 1, agg.pending[index], metadata)
                  for agg, index, metadata in batch.sequence])
        for agg in {id(a): a for a, _, _ in batch.sequence}.values():
            agg.version += len(agg.pending)
            agg.pending = []
        return envelopes

    def _record(self, cur, items: list[Inbound], outcomes: list[Outcome],
                now: dt.datetime) -> None:
        accepted = [(o.partner_id, o.message_id, items[i].channel, o.status, i)
                    for i, o in enumerate(outcomes) if o.accepted]
        if accepted:
            psycopg2.extras.execute_values(
                cur,
                "INSERT INTO partner_messages (partner_id, message_id, channel, event_type,"
                " outcome, received_at) VALUES %s",
                [(p, m, ch, _type_of(items[i]), status, now) for p, m, ch, status, i in accepted],
                page_size=1000)
        for i, outcome in enumerate(outcomes):
            if outcome.status != "rejected":
                continue
            item = items[i]
            if item.channel == "webhook":
                outcome.recorded = True  # answered 422/409 at once; counted, not kept
                continue
            cur.execute(
                """
                INSERT INTO partner_dead_letters AS d (partner_id, dl_key, message_id,
                    event_type, routing_key, channel, reason, rejected_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (partner_id, dl_key) DO UPDATE SET reason = EXCLUDED.reason,
                    rejected_at = EXCLUDED.rejected_at, times = d.times + 1,
                    replayed_at = NULL, channel = EXCLUDED.channel
                WHERE d.replayed_at IS NOT NULL
                RETURNING 1
                """,
                (outcome.partner_id, dead_letter_key(item), (item.message_id or "")[:_MAX_ID]
                 or None, (item.event_type or "")[:100] or None,
                 (item.routing_key or "")[:300] or None, item.channel,
                 (outcome.reason or "rejected")[:1000], now))
            outcome.recorded = cur.fetchone() is not None
        counts: dict[tuple[str, str], list[int]] = {}
        for i, outcome in enumerate(outcomes):
            row = counts.setdefault((outcome.partner_id, items[i].channel), [0, 0, 0, 0])
            if outcome.accepted:
                row[0] += 1
                row[1] += outcome.status == "held"
            elif outcome.status == "duplicate":
                row[2] += 1
            elif outcome.recorded:
                row[3] += 1
        for (partner, channel), (acc, held, dup, rej) in counts.items():
            if acc or dup or rej:
                cur.execute(
                    """
                    INSERT INTO partner_counters AS c (partner_id, channel, accepted, held,
                        duplicate, rejected, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)
                    ON CONFLICT (partner_id, channel) DO UPDATE SET
                        accepted = c.accepted + EXCLUDED.accepted, held = c.held + EXCLUDED.held,
                        duplicate = c.duplicate + EXCLUDED.duplicate,
                        rejected = c.rejected + EXCLUDED.rejected, updated_at = EXCLUDED.updated_at
                    """, (partner, channel, acc, held, dup, rej, now))


def _type_of(item: Inbound) -> str:
    if item.event_type:
        return item.event_type
    if isinstance(item.body, dict) and isinstance(item.body.get("type"), str):
        return str(item.body["type"])
    return "unknown"

