"""The broker's users: one RabbitMQ user per partner, write-only to partners.inbound."""

from __future__ import annotations

import re
import subprocess
from urllib.parse import quote, urlparse

from eventkit import config
from eventkit.amqp_uri import connection_args
from services.funding.partners.common import EXCHANGE, PartnerError


def vhost(amqp_uri: str | None = None) -> str:
    return connection_args(amqp_uri or config.amqp_uri())["virtual_host"]


def _ctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True,
                          timeout=60)
    if done.returncode != 0:
        raise PartnerError(f"rabbitmqctl {args[0]} failed: {done.stderr.strip()[:300]}")
    return done.stdout


def broker_user_exists(user: str) -> bool:
    out = _ctl("list_users", "--no-table-headers")
    return any(line.split("\t")[0] == user for line in out.splitlines())


def _grant_rights(partner_id: str, host: str) -> None:
    # configure nothing, write only the inbound exchange, read nothing
    _ctl("set_permissions", "-p", host, partner_id, "^$", "^partners\\.inbound$", "^$")
    _ctl("set_topic_permissions", "-p", host, partner_id, EXCHANGE,
         f"^{re.escape(partner_id)}\\..*", "^$")


def create_broker_user(partner_id: str, password: str, amqp_uri: str | None = None) -> None:
    """The partner's broker user with its rights in the vhost of `amqp_uri`.

    A user is global to the broker (e.g. the same bank in another vhost): an existing one
    gets the new password, and its rights in this vhost."""
    if broker_user_exists(partner_id):
        _ctl("change_password", partner_id, password)
    else:
        _ctl("add_user", partner_id, password)
    _grant_rights(partner_id, vhost(amqp_uri))


def delete_broker_user(partner_id: str) -> None:
    if broker_user_exists(partner_id):
        _ctl("delete_user", partner_id)


def partner_amqp_uri(partner_id: str, password: str, amqp_uri: str | None = None) -> str:
    u = urlparse(amqp_uri or config.amqp_uri())
    host = f"{u.hostname or '127.0.0.1'}:{u.port or 5672}"
    path = u.path or "/"
    return f"amqp://{quote(partner_id, safe='')}:{quote(password, safe='')}@{host}{path}"
