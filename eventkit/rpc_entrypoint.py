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
import threading
from typing import Any

import amqp.exceptions
import kombu.exceptions
import kombu.serialization
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
from eventkit.amqp_uri import connection_args

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
        try:
            _replies(self.amqp_uri).publish(
                body, ctype, encoding, self.exchange.name, self.message.properties["reply_to"],
                self.message.properties.get("correlation_id"))
        except (kombu.exceptions.KombuError, amqp.exceptions.AMQPError, OSError) as exc:
            log.warning("rpc reply not sent; the caller times out and may retry",
                        routing_key=self.message.delivery_info.get("routing_key"),
                        error=f"{type(exc).__name__}: {str(exc)[:200]}")
        return result, exc_info


class ReplyChannel:
    """One broker connection per process for the RPC replies, held open and shared.

    nameko publishes each reply through kombu's producer pool (`Publisher`: a producer
    checked out, `ensure` with its retry policy, the message built through kombu's layers):
    7-10% of org's CPU per list page or command (issue 16). A reply needs a channel and one
    `basic_publish`. Green threads take turns (one write of frames at a time on the socket);
    a broken connection is reopened once, then the error is the caller's (the reply is
    logged as lost, see `UnconfirmedResponder`).
    """

    def __init__(self, amqp_uri: str) -> None:
        self.amqp_uri = amqp_uri
        self._lock = threading.Lock()  # green under eventlet's monkey patching
        self._conn: amqp.Connection | None = None
        self._channel: Any = None

    def publish(self, body: bytes | str, content_type: str, content_encoding: str,
                exchange: str, routing_key: str, correlation_id: str | None) -> None:
        message = amqp.Message(body, content_type=content_type,
                               content_encoding=content_encoding,
                               correlation_id=correlation_id, delivery_mode=1)
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._channel is None:
                        self._open()
                    # py-amqp reads what the broker sent before publishing: a channel it
                    # closed (an unknown exchange) raises here, and the retry reopens it
                    self._channel.basic_publish(message, exchange=exchange,
                                                routing_key=routing_key)
                    return
                except (amqp.exceptions.AMQPError, OSError):
                    self._close()
                    if attempt == 2:
                        raise

    def _open(self) -> None:
        # no heartbeat: an idle reply connection the broker closed is reopened on the next
        # reply (the first attempt's error)
        conn = amqp.Connection(**connection_args(self.amqp_uri), heartbeat=0,
                               connect_timeout=5)
        conn.connect()
        self._conn, self._channel = conn, conn.channel()

    def _close(self) -> None:
        conn, self._conn, self._channel = self._conn, None, None
        if conn is not None:
            try:
                conn.collect()
            except Exception:  # noqa: BLE001, S110 - a broken connection is dropped either way
                pass


_REPLY_CHANNELS: dict[str, ReplyChannel] = {}


def _replies(amqp_uri: str) -> ReplyChannel:
    channel = _REPLY_CHANNELS.get(amqp_uri)
    if channel is None:
        channel = _REPLY_CHANNELS[amqp_uri] = ReplyChannel(amqp_uri)
    return channel


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
