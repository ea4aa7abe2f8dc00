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
    # (unit_id) -> subtree ids; the gateway passes its cache (gateway.scope.SubtreeCache)
    subtree: Callable[[str], list[str]] | None = None
    pool: Any = None  # the gateway's own database (gateway schema), for gateway-owned views

    def scope(self) -> list[str] | None:
        """Unit ids the token may see (its unit and descendants), or None for all."""
        if self.principal.unit is None:
            return None
        if not self._scope_loaded:
            self._scope = self.subtree_of(self.principal.unit)
            self._scope_loaded = True
        return self._scope

    def subtree_of(self, unit_id: str) -> list[str]:
        """`unit_id` and its descendants (cached by the gateway, org's answer otherwise)."""
        if self.subtree is not None:
            return self.subtree(unit_id)
        return list(self.rpc.org.unit_subtree_ids(unit_id))

    def in_scope(self, unit_ids: Any) -> bool:
        """Whether an object mentioning `unit_ids` is visible to the token (any one suffices)."""
        scope = self.scope()
        if scope is None:
            return True
        ids = [unit_ids] if isinstance(unit_ids, str) else list(unit_ids or ())
        allowed = set(scope)
        return any(u in allowed for u in ids)


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
    params: dict[str, dict[str, Any]] = field(default_factory=dict)  # path param JSON schemas
    # A calendar feed: besides the header, a calendar feed token for this unit may come as
    # `?feed_token=` (phones cannot send headers); bearer tokens never go in URLs.
    feed_token: bool = False


ROUTES: list[Route] = []


def route(method: str, path: str, *, action: str, summary: str, tag: str,
          body: type[Schema] | None = None, query: type[Schema] | None = None,
          response: type[Schema] | None = None, many: bool = False, status: int = 200,
          responses: tuple[int, ...] = (), content_type: str = "application/json",
          auth: bool = True, params: dict[str, dict[str, Any]] | None = None,
          feed_token: bool = False) -> Callable[[Handler], Handler]:
    """Register a route. `params` gives JSON schemas of path parameters (default: string)."""

    def register(fn: Handler) -> Handler:
        ROUTES.append(Route(method, path, action, fn, summary, tag, body, query, response, many,
                            status, responses, content_type, auth, dict(params or {}),
                            feed_token))
        return fn

    return register


def _werkzeug_path(path: str) -> str:
    return path.replace("{", "<").replace("}", ">")


def url_map() -> Map:
    return Map([Rule("/api/v1" + _werkzeug_path(r.path), endpoint=i,  # type: ignore[arg-type]
                     methods=[r.method])
                for i, r in enumerate(ROUTES)], strict_slashes=False)
