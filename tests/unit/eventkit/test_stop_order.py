"""Stopping a service stops its relay thread before closing the connections it uses
(issue 10, point 5)."""

from __future__ import annotations

import threading
from typing import Any

from eventkit.nameko_ext import EventSourcing


class Thread:
    def __init__(self, fn: Any) -> None:
        self._thread = threading.Thread(target=fn, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._thread.join(timeout=10)


class Container:
    config: dict[str, Any] = {}

    def spawn_managed_thread(self, fn: Any) -> Thread:
        return Thread(fn)


class Relay:
    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.running = threading.Event()

    def run_forever(self, stop: threading.Event) -> None:
        self.running.set()
        while not stop.wait(0.01):
            pass  # a batch: uses the relay's connection
        self.events.append("relay thread ended")

    def wake_if_active(self) -> bool:  # stop wakes the relay (a real one waits on a pipe)
        return False

    def close(self) -> None:
        self.events.append("relay connections closed")


class Closing:
    def __init__(self, events: list[str], what: str) -> None:
        self.events, self.what = events, what

    def start(self, spawn: Any, stop: threading.Event) -> None:
        pass

    def stop(self) -> None:
        self.events.append(f"{self.what} stopped")

    def close(self) -> None:
        self.events.append(f"{self.what} closed")


def test_the_relay_thread_ends_before_its_connections_and_the_pool_are_closed():
    events: list[str] = []
    provider = EventSourcing.__new__(EventSourcing)
    provider.service = "org"
    provider.tracked = {}
    provider._stop = threading.Event()
    provider.container = Container()
    provider.relay = Relay(events)
    provider.sources = Closing(events, "tracking")
    provider.pool = Closing(events, "pool")
    provider.start()
    assert provider.relay.running.wait(10)
    provider.stop()
    assert events.index("relay thread ended") < events.index("relay connections closed")
    assert events.index("relay thread ended") < events.index("pool closed")
