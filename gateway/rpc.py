"""Calling services from the gateway with a deadline (nameko 2.14's RpcProxy has none)."""

from __future__ import annotations

from typing import Any

import amqp.exceptions
import eventlet
import kombu.exceptions
from nameko.exceptions import UnknownService

from gateway.problems import Problem

# the broker refused or dropped the call's request: nothing reached the service
BROKER_ERRORS = (kombu.exceptions.OperationalError, amqp.exceptions.AMQPError,
                 ConnectionError, TimeoutError)


class ServiceCaller:
    def __init__(self, proxy: Any, service: str, timeout: float) -> None:
        self._proxy = proxy
        self._service = service
        self._timeout = timeout

    def __getattr__(self, method: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                reply = getattr(self._proxy, method).call_async(*args, **kwargs)
            except UnknownService:
                raise Problem(503, f"the {self._service} service is not running; retry shortly",
                              headers={"Retry-After": "5"}, service=self._service) from None
            except BROKER_ERRORS:
                raise Problem(503, "the message broker is unavailable; retry shortly",
                              headers={"Retry-After": "5"}, service=self._service) from None
            try:
                with eventlet.Timeout(self._timeout):
                    return reply.result()
            except eventlet.Timeout:
                raise Problem(504, f"the {self._service} service did not answer in time",
                              service=self._service) from None

        return call

    def call_async(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._proxy, method).call_async(*args, **kwargs)


class Services:
    """`req.rpc.org.get_cooperative(...)`: attribute access per service."""

    def __init__(self, proxies: dict[str, Any], timeout: float) -> None:
        self._callers = {name: ServiceCaller(p, name, timeout) for name, p in proxies.items()}

    def __getattr__(self, service: str) -> ServiceCaller:
        try:
            return self._callers[service]
        except KeyError:
            raise AttributeError(service) from None

    def names(self) -> list[str]:
        return list(self._callers)
