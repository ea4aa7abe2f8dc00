"""Partners (banks, the supply co-op): onboarding, the AMQP consumer, dead letters.

Topology (API.md section 3, RELIABILITY.md "Broker"):

* exchange `partners.inbound` (topic, durable); a partner publishes `<partner_id>.<type>`;
* queue `partners.inbound.q` (quorum, durable) bound with `#`, `x-delivery-limit` 5,
  dead-lettering at-least-once (`overflow=reject-publish`) to queue `partners.dead`;
* queue `partners.dead` (quorum): rejected messages with header `x-rejection-reason`
  (the consumer's reason), or with `x-death` when the broker's delivery limit fired;
* queue `partners.replay` (quorum): `replay-dead` moves dead letters here; the consumer
  reads it like the inbound queue, taking the partner from `x-original-user-id` (only
  platform users can write to the default exchange, partners cannot).

Each partner is a RabbitMQ user named after its id, allowed to write to `partners.inbound`
only (configure and read nothing) with routing keys `<id>.*` (topic permission).
The partner records (and webhook secrets) live in the funding schema: funding owns the
consumer and the CLI; the gateway asks funding for a partner's secrets over RPC.

CLI: `python -m services.funding.partners add|list|rotate-secret|reset-password|remove|
replay-dead|dead-letters|drop-dead` (see `--help`).
"""

from __future__ import annotations

from services.funding.partners.broker import (  # noqa: F401
    broker_user_exists,
    create_broker_user,
    delete_broker_user,
    partner_amqp_uri,
    vhost,
)
from services.funding.partners.cli import main  # noqa: F401
from services.funding.partners.common import (  # noqa: F401
    DB_ERRORS,
    DEAD_QUEUE,
    DELIVERY_LIMIT,
    EXCHANGE,
    INBOUND_QUEUE,
    KINDS,
    PARTNER_ID,
    REPLAY_QUEUE,
    PartnerError,
    log,
)
from services.funding.partners.consumer import PartnerConsumer  # noqa: F401
from services.funding.partners.dead_letters import dead_letter_depth, drop_dead, replay_dead  # noqa: F401
from services.funding.partners.records import (  # noqa: F401
    Onboarded,
    _db,
    add,
    list_partners,
    remove,
    reset_password,
    rotate_secret,
)
from services.funding.partners.topology import declare_topology, ensure_topology  # noqa: F401
