"""Publisher confirms, exactly (issue 10, point 4): a fake broker that confirms out of order
and with `multiple`; the checkpoint covers only rows whose messages, and all before them,
were acked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import amqp
import pytest

from eventkit.publisher import ConfirmingPublisher, PublishFailed


class FakeCursor:
    def __init__(self, pg: FakePg) -> None:
        self.pg = pg
        self.result: Any = None

    def __enter__(self) -> FakeCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def execute(self, sql: str, args: tuple = ()) -> None:
        if sql.startswith("SELECT position"):
            self.result = (self.pg.checkpoint,)
        elif " UPDATE " in f" {sql} ":  # the checkpoint's move (after its SET LOCAL)
            self.pg.checkpoint = args[0]
            self.pg.updates.append(args[0])

    def fetchone(self) -> Any:
        return self.result


class FakePg:
    closed = False

    def __init__(self) -> None:
        self.checkpoint = 0
        self.updates: list[int] = []

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)


class FakeBroker:
    """A channel and connection: `script` lists the confirms to send, one per drain."""

    connected = True

    def __init__(self, publisher: ConfirmingPublisher, script: list[tuple[str, int, bool]]):
        self.publisher = publisher
        self.script = list(script)
        self.published: list[str] = []

    def basic_publish(self, message: amqp.Message, exchange: str, routing_key: str,
                      mandatory: bool) -> None:
        self.published.append(routing_key)

    def drain_events(self, timeout: float) -> None:
        if not self.script:
            raise TimeoutError
        kind, tag, multiple = self.script.pop(0)
        if kind == "ack":
            self.publisher._on_ack(tag, multiple)
        else:
            self.publisher._on_nack(tag, multiple)


class Rows(ConfirmingPublisher):
    """Rows are positions; row 0-mod-`silent` rows send no message (a row routed nowhere)."""

    def __init__(self, rows: list[int], silent: set[int] | None = None) -> None:
        super().__init__(name="test", dsn="", schema="s", amqp_uri="amqp://", lock_key=1,
                         listen_channel="c", checkpoint_table="t", checkpoint_column="p",
                         confirm_timeout=0.3)
        self.rows = rows
        self.silent = silent or set()
        self._pg = FakePg()
        self.active = True

    def read_batch(self, cur: Any, after: int) -> list[int]:
        return [r for r in self.rows if r > after]

    def position_of(self, row: int) -> int:
        return row

    def messages(self, rows: list[int]) -> Iterable[tuple[str, amqp.Message]]:
        for row in rows:
            if row not in self.silent:
                yield f"row.{row}", amqp.Message(str(row))


def run(publisher: Rows, script: list[tuple[str, int, bool]]) -> FakeBroker:
    broker = FakeBroker(publisher, script)
    publisher._amqp = publisher._channel = broker
    return broker


def test_an_ack_of_the_last_tag_does_not_confirm_the_earlier_ones():
    publisher = Rows([1, 2, 3])
    run(publisher, [("ack", 3, False)])  # 1 and 2 never confirmed
    with pytest.raises(PublishFailed, match="in time"):
        publisher.run_once()
    assert publisher._pg.checkpoint == 0


def test_a_nack_after_a_later_ack_is_not_missed():
    publisher = Rows([1, 2, 3])
    run(publisher, [("ack", 3, False), ("ack", 1, False), ("nack", 2, False)])
    with pytest.raises(PublishFailed, match="nack"):
        publisher.run_once()
    assert publisher._pg.checkpoint == 1  # row 1 was acked; 2 must go again, and 3 after it


def test_multiple_acks_cover_every_tag_up_to_theirs():
    publisher = Rows([1, 2, 3, 4])
    run(publisher, [("ack", 2, True), ("ack", 4, False)])  # 3 never confirmed
    with pytest.raises(PublishFailed):
        publisher.run_once()
    assert publisher._pg.checkpoint == 2


def test_a_multiple_nack_refuses_every_outstanding_tag_up_to_its():
    publisher = Rows([1, 2, 3, 4])
    run(publisher, [("ack", 1, False), ("ack", 4, False), ("nack", 3, True)])
    with pytest.raises(PublishFailed, match="2 message"):
        publisher.run_once()
    assert publisher._pg.checkpoint == 1


def test_out_of_order_acks_of_the_whole_batch_move_the_checkpoint_to_its_end():
    publisher = Rows([1, 2, 3, 4, 5], silent={3})
    broker = run(publisher, [("ack", 4, False), ("ack", 2, True), ("ack", 3, False)])
    assert publisher.run_once() == 5
    assert publisher._pg.checkpoint == 5
    assert broker.published == ["row.1", "row.2", "row.4", "row.5"]  # tags 1..4
    assert publisher.stats["published"] == 4


def test_a_row_without_messages_after_an_unconfirmed_one_is_not_passed():
    publisher = Rows([1, 2, 3], silent={2})
    run(publisher, [("ack", 2, False)])  # tag 2 is row 3's; row 1 (tag 1) unconfirmed
    with pytest.raises(PublishFailed):
        publisher.run_once()
    assert publisher._pg.checkpoint == 0


def test_held_writes_send_a_batch_of_frames_once_each_as_it_was_written():
    from eventkit.publisher import held_writes

    class Transport:
        def __init__(self):
            self.sent: list[bytes] = []
            self._write = self.sent.append

    transport = Transport()
    original = transport._write
    buffer = bytearray(b"frame-1")
    with held_writes(transport):
        transport._write(memoryview(buffer))
        buffer[:] = b"frame-2"  # py-amqp reuses its buffer for the next frame
        transport._write(memoryview(buffer))
        assert transport.sent == []  # nothing on the socket yet
    assert transport.sent == [b"frame-1frame-2"]
    assert transport._write == original
    try:
        with held_writes(transport):
            transport._write(b"frame-3")
            raise RuntimeError("the batch failed half-way")
    except RuntimeError:
        pass
    assert transport.sent == [b"frame-1frame-2", b"frame-3"]  # what was written went out
    assert transport._write == original
