"""The funding service (nameko): funds, venues, dues and remittances, partner credit.

Every list/get RPC takes `scope` (unit ids the caller may see; None = everything): an
object outside it answers NotFound and lists leave it out. Writes take it too, so a scoped
editor cannot write into another unit.
"""

from __future__ import annotations

import threading
from functools import partial

from nameko.extensions import DependencyProvider

from eventkit import config, db, metrics
from eventkit.errors import NotFound
from eventkit.nameko_ext import EventSourcing, FeedMixin, command
from services.funding import partners, queries, settings
from services.funding.contract.events import registry
from services.funding.ingest import Ingest
from services.funding.projections import projector
from services.funding.rpc.applications import ApplicationsRpc
from services.funding.rpc.credit import CreditRpc
from services.funding.rpc.dues import DuesRpc
from services.funding.rpc.funds import FundsRpc
from services.funding.rpc.venues import VenuesRpc
from services.funding.tracked import TRACKED


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


class FundingService(FundsRpc, VenuesRpc, DuesRpc, CreditRpc, ApplicationsRpc, FeedMixin):
    # tables keyed by a person, for their copy (GET /people/{id}/export)
    personal_records = (("member", "known_members", "id"),
                        ("dues_account", "dues_accounts", "member_id"),
                        ("dues_payments", "dues_payments", "member_id"),
                        ("young_entrepreneur", "credit_entrepreneurs", "id"))
    name = "funding"
    es = EventSourcing("funding", registry, projector, tracked=TRACKED)
    inbound = PartnerInbound()

    @command
    def known_cooperative(self, coop_id: str) -> dict:
        coop = self.es.read(lambda cur: queries.known_cooperative(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not known to funding")
        return coop

    def _aggregate(self, cur, cls, aggregate_id: str):
        history = self.es.store.read_stream(cur, cls.stream_id_for(aggregate_id))
        return cls.from_history(aggregate_id, [(e["type"], e["data"]) for e in history])


