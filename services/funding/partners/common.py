"""Names shared by the partner modules: the topology's names, limits, the error."""

from __future__ import annotations

import re

import psycopg2

from eventkit import logs

log = logs.get("funding.partners")

EXCHANGE = "partners.inbound"
INBOUND_QUEUE = "partners.inbound.q"
DEAD_QUEUE = "partners.dead"
REPLAY_QUEUE = "partners.replay"
DELIVERY_LIMIT = 5  # a queue argument: changing it needs a new queue (RabbitMQ refuses)
KINDS = ("bank", "supply_coop")
PARTNER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")
DB_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError)


class PartnerError(Exception):
    pass
