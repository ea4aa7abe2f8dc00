"""The services' RPC entrypoint: nameko's `rpc`, answering without a publisher confirm.

nameko publishes every RPC reply with a publisher confirm, a broker round trip per call that
the service's worker waits for (issue 16's profile: 15% of org's samples per command), and
serialises each reply twice (a check, then the publish). A reply needs neither:
- it goes to the caller's own reply queue; if the broker loses it, the caller's call times out
  exactly as if the service were slow, and a retried command is dropped by its command id
  (the gateway derives it from the Idempotency-Key), so nothing is executed twice;
- the one serialisation either succeeds and is sent, or fails and the caller gets
  `UnserializableValueError`, as with nameko's own check.
Requests keep their confirms (the gateway's proxy): with `mandatory`, a call to a service
that is not running fails at once instead of waiting for the timeout.

A reply that cannot be published (the broker stalls or refuses connections) is logged and
dropped, and the request acked: the caller times out and retries as above. nameko's own
responder raises instead, and an exception there ends the service's container: the whole
process exits (seen when the shared broker ran out of file descriptors: org and activities
of `make run` died and stayed down).

Every `@rpc` of a service must come from here: two consumer classes on one service's queue
would each take a share of the calls.
"""

from __future__ import annotations

import sys
from typing import Any

import amqp.exceptions
import kombu.exceptions
import kombu.serialization
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import UnserializableValueError, serialize
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

from eventkit import logs

log = logs.get("eventkit.rpc")


class UnconfirmedResponder(Responder):
    """A reply serialised once and published without waiting for the broker's confirm."""

    def send_response(self, result: Any, exc_info: Any) -> tuple[Any, Any]:
        error = serialize(exc_info[1]) if exc_info is not None else None
        content_type = self.message.properties["content_type"]
        serializer = kombu.serialization.registry.type_to_name[content_type]
        try:
            ctype, encoding, body = kombu.serialization.dumps(
                {"result": result, "error": error}, serializer)
        except Exception:  # noqa: BLE001 - nameko's own answer to an unserialisable result
            exc_info = sys.exc_info()
            error = serialize(UnserializableValueError(result))
            result = None
            ctype, encoding, body = kombu.serialization.dumps(
                {"result": None, "error": error}, serializer)
        publisher = Publisher(self.amqp_uri, use_confirms=False, ssl=self.ssl,
                              login_method=self.login_method)
        try:
            publisher.publish(body, content_type=ctype, content_encoding=encoding,
                              exchange=self.exchange,
                              routing_key=self.message.properties["reply_to"],
                              correlation_id=self.message.properties.get("correlation_id"))
        except (kombu.exceptions.KombuError, amqp.exceptions.AMQPError, OSError) as exc:
            log.warning("rpc reply not sent; the caller times out and may retry",
                        routing_key=self.message.delivery_info.get("routing_key"),
                        error=f"{type(exc).__name__}: {str(exc)[:200]}")
        return result, exc_info


class UnconfirmedRpcConsumer(RpcConsumer):
    def handle_result(self, message: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        config = self.container.config
        responder = UnconfirmedResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class UnconfirmedRpc(Rpc):
    rpc_consumer = UnconfirmedRpcConsumer()


rpc = UnconfirmedRpc.decorator
