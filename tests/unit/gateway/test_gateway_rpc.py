"""The gateway's service calls: a broker that refuses the request, or a service with no
queue, answers 503 with Retry-After (a retry may succeed), never a 500."""

from __future__ import annotations

import kombu.exceptions
import pytest
from nameko.exceptions import UnknownService

from gateway.problems import Problem
from gateway.rpc import ServiceCaller


class Proxy:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, method: str):
        error = self.error

        class Method:
            def call_async(self, *args, **kwargs):
                raise error

        return Method()


@pytest.mark.parametrize("error, detail", [
    (kombu.exceptions.OperationalError("timed out"), "the message broker is unavailable"),
    (ConnectionResetError("reset"), "the message broker is unavailable"),
    (UnknownService("org"), "the org service is not running"),
])
def test_a_call_the_broker_does_not_take_answers_503(error, detail):
    caller = ServiceCaller(Proxy(error), "org", timeout=1.0)
    with pytest.raises(Problem) as raised:
        caller.list_cooperatives({})
    assert raised.value.status == 503
    assert raised.value.detail.startswith(detail)
    assert raised.value.headers == {"Retry-After": "5"}
