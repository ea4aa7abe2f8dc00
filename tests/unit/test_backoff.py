"""eventkit.backoff: the one reconnect/backoff helper."""

from __future__ import annotations

import pytest

from eventkit.backoff import Backoff, retry


def test_waits_double_up_to_the_cap_and_reset() -> None:
    backoff = Backoff(0.5, 3.0)
    assert [backoff.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next() == 0.5


def test_retry_gives_up_after_the_attempts_and_raises_the_last_failure() -> None:
    waits: list[float] = []
    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 3:
            raise ConnectionError(f"try {calls['n']}")
        return "ok"

    assert retry(flaky, attempts=3, retry_on=(ConnectionError,), first=0.1,
                 sleep=waits.append) == "ok"
    assert waits == [0.1, 0.2]
    calls["n"] = -10
    with pytest.raises(ConnectionError, match="try -6"):
        retry(flaky, attempts=4, retry_on=(ConnectionError,), sleep=waits.append)


def test_other_errors_are_not_retried() -> None:
    def broken() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        retry(broken, attempts=5, retry_on=(ConnectionError,), sleep=lambda s: None)
