"""Routes declared once: the dispatcher and the OpenAPI document both read this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema
from werkzeug.routing import Map, Rule

from gateway.auth import Principal


@dataclass
class Reply:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


@dataclass
class Request:
    principal: Principal
    params: dict[str, str]
    query: dict[str, Any]
    body: Any
    rpc: Any  # attribute access per service: req.rpc.org.get_cooperative(...)
    command_id: str
    correlation_id: str
    raw: Any = None  # the werkzeug request
    _scope: list[str] | None = None
    _scope_loaded: bool = False

    def scope(self) -> list[str] | None:
        """Unit ids the token may see (its unit and descendants), or None for all."""
        if self.principal.unit is None:
            return None
        if not self._scope_loaded:
            self._scope = self.rpc.org.unit_subtree_ids(self.principal.unit)
            self._scope_loaded = True
        return self._scope


Handler = Callable[[Request], Any]


@dataclass
class Route:
    method: str
    path: str  # OpenAPI style: /cooperatives/{id}
    action: str  # policy action, e.g. "cooperatives.write"
    handler: Handler
    summary: str
    tag: str
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    many: bool = False  # response is a page {items, next_cursor}
    status: int = 200
    responses: tuple[int, ...] = ()
    content_type: str = "application/json"
    auth: bool = True


ROUTES: list[Route] = []


def route(method: str, path: str, *, action: str, summary: str, tag: str,
          body: type[Schema] | None = None, query: type[Schema] | None = None,
          response: type[Schema] | None = None, many: bool = False, status: int = 200,
          responses: tuple[int, ...] = (), content_type: str = "application/json",
          auth: bool = True) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        ROUTES.append(Route(method, path, action, fn, summary, tag, body, query, response, many,
                            status, responses, content_type, auth))
        return fn

    return register


def _werkzeug_path(path: str) -> str:
    return path.replace("{", "<").replace("}", ">")


def url_map() -> Map:
    return Map([Rule("/api/v1" + _werkzeug_path(r.path), endpoint=i, methods=[r.method])
                for i, r in enumerate(ROUTES)], strict_slashes=False)
