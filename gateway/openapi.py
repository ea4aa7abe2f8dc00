"""The OpenAPI 3.1 document, generated from the route table and marshmallow schemas."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import INCLUDE, Schema, fields

from gateway.router import ROUTES
from gateway.routes.common import Problem


class ProblemDocument(Problem):
    """RFC 9457 allows extension members: a rule violation carries its facts (409 with
    `due_step`, `current_version`...), so the document lets them through."""

    class Meta:
        unknown = INCLUDE

_spec_cache: dict[str, Any] | None = None


def _schema_name(schema: type[Schema]) -> str:
    return schema.__name__.removesuffix("Schema")


def build() -> dict[str, Any]:
    global _spec_cache
    if _spec_cache is not None:
        return _spec_cache
    spec = APISpec(
        title="CoopLeague API", version="1.0.0", openapi_version="3.1.0",
        plugins=[MarshmallowPlugin(schema_name_resolver=lambda s: _schema_name(
            s if isinstance(s, type) else type(s)))],
        info={"description": "County rural-cooperative Youth League working committee"},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "bearerFormat": "JWT"})
    spec.components.schema("Problem", schema=ProblemDocument)
    problem_ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    paths: dict[str, dict[str, Any]] = {}
    for r in ROUTES:
        module = r.handler.__module__.rsplit(".", 1)[-1]
        op: dict[str, Any] = {"summary": r.summary, "tags": [r.tag],
                              "operationId": f"{r.method.lower()}_{module}_{r.handler.__name__}"}
        params = [{"name": name, "in": "path", "required": True,
                   "schema": r.params.get(name) or {"type": "string", "minLength": 1}}
                  for name in _path_params(r.path)]
        if r.query is not None:
            params.append({"in": "query", "schema": r.query})
        if r.feed_token:
            params.append({"name": "feed_token", "in": "query", "required": False,
                           "schema": {"type": "string", "maxLength": 100},
                           "description": "a calendar feed token of this unit (POST"
                                          " /units/{id}/calendar-tokens), for calendar apps"
                                          " that cannot send an Authorization header"})
        if params:
            op["parameters"] = params
        if r.body is not None:
            op["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": r.body}}}
        ok: dict[str, Any] = {"description": "OK"}
        if r.response is not None:
            if r.many:
                page = type(f"{_schema_name(r.response)}Page", (Schema,), {
                    "items": fields.List(fields.Nested(r.response), required=True),
                    "next_cursor": fields.Str(allow_none=True, required=True),
                })
                ok["content"] = {r.content_type: {"schema": page}}
            else:
                ok["content"] = {r.content_type: {"schema": r.response}}
        elif r.content_type != "application/json":
            schema = {"type": "string"}
            if not r.content_type.startswith("text/"):
                schema["format"] = "binary"  # PDF, DOCX, XLSX files
            ok["content"] = {r.content_type: {"schema": schema}}
            ok["headers"] = {"Content-Disposition": {"schema": {"type": "string"}}}
        responses: dict[Any, Any] = {str(r.status): ok}
        extra = set(r.responses) | ({401, 403, 429} if r.auth else set())
        if not r.auth and r.method != "GET":
            extra.add(429)  # the anonymous budget per address (gateway/abuse.py)
        if r.body is not None or r.query is not None or r.feed_token:
            extra.add(422)
        if _path_params(r.path):
            extra.add(404)  # unknown, or outside the token's unit scope
        for status in sorted(extra):
            responses[str(status)] = {"description": "Problem", "content": problem_ref}
        if r.status == 201 and 200 in r.responses:  # created, or already there: same body
            responses["200"] = ok
        op["responses"] = responses
        if r.auth:
            op["security"] = [{"bearer": []}]
        paths.setdefault("/api/v1" + r.path, {})[r.method.lower()] = op
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)
    spec.path(path="/health", operations={"get": {
        "summary": "Health of the gateway and every service", "operationId": "health",
        "responses": {"200": {"description": "all services answer"},
                      "503": {"description": "a service does not answer"}}}})
    _spec_cache = spec.to_dict()
    return _spec_cache


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]
