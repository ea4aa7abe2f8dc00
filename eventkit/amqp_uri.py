"""Parse an amqp:// URI into py-amqp connection arguments."""

from __future__ import annotations

from urllib.parse import unquote, urlparse


def connection_args(uri: str) -> dict:
    u = urlparse(uri)
    vhost = unquote(u.path[1:]) if u.path and u.path != "/" else "/"
    return {
        "host": f"{u.hostname or '127.0.0.1'}:{u.port or 5672}",
        "userid": unquote(u.username or "guest"),
        "password": unquote(u.password or "guest"),
        "virtual_host": vhost,
    }
