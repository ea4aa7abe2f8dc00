"""The services' RPC entrypoint (`eventkit.rpc_entrypoint`) on the real RabbitMQ: answers,
domain errors and an unserialisable result reach the caller as with nameko's own `rpc`, the
replies go out without a publisher confirm, on the process's own reply channel rather than
kombu's producer pool (issue 16), while the caller's requests keep theirs, and a reply the
broker refuses costs that call only, not the service. Runs in a subprocess: a nameko
container needs eventlet's monkey patching."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import eventlet
eventlet.monkey_patch()
import json, sys, uuid
import nameko.amqp.publish as publish
from nameko.containers import ServiceContainer
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.rpc_entrypoint import UnconfirmedRpcConsumer, rpc

confirms = []
original = publish.get_producer
def spy(amqp_uri, confirms_on=True, *args, **kwargs):
    confirms.append(bool(confirms_on))
    return original(amqp_uri, confirms_on, *args, **kwargs)
publish.get_producer = spy

class Echo:
    name = "echo_" + uuid.uuid4().hex[:8]

    @rpc
    def double(self, value):
        return {"doubled": value * 2, "text": "团工委"}

    @command
    def missing(self, what):
        raise NotFound(f"{what} not found")

    @rpc
    def unserialisable(self):
        return object()

config = {"AMQP_URI": sys.argv[1]}
container = ServiceContainer(Echo, config)
container.start()
out = {"consumers": sorted({type(e.rpc_consumer).__name__ for e in container.entrypoints})}
try:
    with ClusterRpcProxy(config, timeout=20) as proxy:
        service = getattr(proxy, Echo.name)
        confirms.clear()
        import eventkit.rpc_entrypoint as entry
        sent = []
        real_reply = entry.ReplyChannel.publish
        def counted(self, *args, **kwargs):
            real_reply(self, *args, **kwargs)
            # a channel in confirm mode would have waited for the broker's ack
            sent.append(bool(self._channel._confirm_selected))
        entry.ReplyChannel.publish = counted
        out["answer"] = service.double(21)
        entry.ReplyChannel.publish = real_reply
        out["confirms"] = list(confirms) + sent
        try:
            service.missing("cooperative x")
        except NotFound as exc:
            out["error"] = ["NotFound", exc.detail]
        try:
            service.unserialisable()
        except RemoteError as exc:
            out["unserialisable"] = exc.exc_type
        # the broker refuses the next reply: the caller times out, the service lives on
        from kombu.exceptions import OperationalError
        def refused(self, *args, **kwargs):
            entry.ReplyChannel.publish = real_reply
            raise OperationalError("timed out")
        entry.ReplyChannel.publish = refused
        with ClusterRpcProxy(config, timeout=3) as short:
            try:
                getattr(short, Echo.name).double(1)
                out["lost_reply"] = "answered"
            except Exception as exc:
                out["lost_reply"] = type(exc).__name__
        out["after"] = service.double(5)
        out["alive"] = container._died.ready() is False
finally:
    container.stop()
print(json.dumps(out, ensure_ascii=False))
"""


def test_replies_cross_unconfirmed_and_requests_stay_confirmed(amqp_uri):
    done = subprocess.run([sys.executable, "-c", SCRIPT, amqp_uri], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["consumers"] == ["UnconfirmedRpcConsumer"]
    assert out["answer"] == {"doubled": 42, "text": "团工委"}
    # the caller's request with a confirm, the service's reply without one
    assert out["confirms"] == [True, False]
    assert out["error"] == ["NotFound", "cooperative x not found"]
    assert out["unserialisable"] == "UnserializableValueError"
    # a reply the broker would not take: that caller timed out, the next call is answered
    assert out["lost_reply"] == "RpcTimeout"
    assert out["after"] == {"doubled": 10, "text": "团工委"}
    assert out["alive"] is True


def test_the_reply_channel_reopens_after_the_broker_closed_it(amqp_uri):
    """A reply to an exchange the broker does not know makes it close the channel, which
    nothing reads: the next reply must notice, reopen, and arrive."""
    import select
    import time
    import uuid

    import amqp

    from eventkit.amqp_uri import connection_args
    from eventkit.rpc_entrypoint import ReplyChannel

    queue = f"reply-test-{uuid.uuid4().hex[:8]}"
    conn = amqp.Connection(**connection_args(amqp_uri))
    conn.connect()
    ch = conn.channel()
    ch.queue_declare(queue, auto_delete=True)
    replies = ReplyChannel(amqp_uri)
    try:
        replies.publish(b'{"result": 1}', "application/json", "utf-8", "no-such-exchange",
                        queue, "c-1")
        # the broker's channel.close arrives on a socket nothing reads: wait until it has
        sock = replies._conn.transport.sock
        assert select.select([sock], [], [], 10)[0], "the broker did not close the channel"
        replies.publish(b'{"result": 2}', "application/json", "utf-8", "", queue, "c-2")
        deadline = time.monotonic() + 10
        message = None
        while message is None and time.monotonic() < deadline:
            message = ch.basic_get(queue, no_ack=True)
            if message is None:
                time.sleep(0.05)
        assert message is not None, "the second reply never arrived"
        assert message.body in (b'{"result": 2}', '{"result": 2}')
        assert message.properties["correlation_id"] == "c-2"
    finally:
        replies._close()
        conn.close()
