"""Shared fixtures: the real PostgreSQL and RabbitMQ of the test instance (see Makefile)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable

import pytest

os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/coopleague_test")
os.environ.setdefault("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/coopleague_test")
os.environ.setdefault("JWT_SECRET", "test-secret-not-for-production-0123456789abcdef")


def wait_until(condition: Callable[[], object], timeout: float = 20.0, interval: float = 0.05,
               message: str = "condition") -> object:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last: {last!r})")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "after_all(order=0): runs after every other test, in "
                            "`order` (they load the demo county, restart the instance)")


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked `after_all` run last: they load the whole demo county into the test
    instance, which the other tests' exact lists do not expect."""
    def order(item) -> int:
        return int(item.get_closest_marker("after_all").kwargs.get("order", 0))

    last = sorted((item for item in items if item.get_closest_marker("after_all")), key=order)
    items[:] = [item for item in items if not item.get_closest_marker("after_all")] + last


@pytest.fixture(scope="session")
def dsn() -> str:
    return os.environ["DATABASE_URL"]


@pytest.fixture(scope="session")
def amqp_uri() -> str:
    return os.environ["AMQP_URI"]


@pytest.fixture
def kit_schema(dsn):
    """A fresh schema with the event kit's tables; dropped afterwards."""
    from eventkit import migrate
    from tests.support.schemas import drop_schema

    schema = f"kit_{uuid.uuid4().hex[:10]}"
    migrate.migrate("kit", dsn, schema)
    yield schema
    drop_schema(dsn, schema)
