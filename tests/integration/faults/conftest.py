"""Fault tests run against a RabbitMQ node of their own (tests/support/private_broker.py):
they kill, pause or cut off their broker, and the machine's broker serves everyone else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import private_broker as pb


@pytest.fixture(scope="session")
def private_broker() -> Iterator[pb.PrivateBroker]:
    if not pb.available():
        pytest.skip("RabbitMQ is not installed here: the fault tests start a node of their own")
    node = pb.PrivateBroker("faults")
    try:
        node.start()
        yield node
    finally:
        node.stop()
