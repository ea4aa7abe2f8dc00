"""The gateway: REST for the member departments over RPC to the four services (nameko)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import psycopg2
from marshmallow import RAISE, ValidationError
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect
from werkzeug.wrappers import Response

import eventkit.nameko_ext  # noqa: F401  (registers the errors RemoteError turns back into)
import gateway.routes  # noqa: F401  (registers the routes)
from deploy.services import SERVICES, instance_budget
from eventkit import config, db, jsonbody, logs, metrics, validation, wire
from eventkit.errors import CoopLeagueError
from gateway import (
    abuse,
    auth,
    calendar_tokens,
    console,
    idempotency,
    openapi,
    policy,
    ratelimit,
    scope,
)
from gateway.problems import Problem
from gateway.router import ROUTES, Reply, Request, url_map
from gateway.rpc import Services
from gateway.tracking import GatewayTracking, shared_pool
from gateway.web import ROUTE_KEY, http

log = logs.get("gateway")
MAX_BODY = 1_000_000


class WorkerContextData(DependencyProvider):
    """The worker's context data: what is set here travels with every RPC call.

    (`worker_ctx.context_data` is a copy; `worker_ctx.data` is what nameko sends.)
    """

    def get_dependency(self, worker_ctx: Any) -> Any:
        return worker_ctx.data


class GatewayDb(DependencyProvider):
    def setup(self) -> None:
        logs.configure("gateway")
        db.assert_green()
        auth.secret()  # fail at start, not on the first request
        self.pool = shared_pool()

    def stop(self) -> None:
        self.pool.close()

    def get_dependency(self, worker_ctx: Any) -> Any:
        return self.pool


_limiter: ratelimit.SharedBuckets | None = None


def limiter(pool: Any) -> ratelimit.SharedBuckets | None:
    """Per-client buckets shared by the gateway's replicas (`RATE_LIMIT_PER_SECOND`,
    `RATE_LIMIT_BURST`; a rate of 0 disables)."""
    global _limiter
    rate = config.env_float("RATE_LIMIT_PER_SECOND", 100.0)
    if rate <= 0:
        return None
    if _limiter is None:
        _limiter = ratelimit.SharedBuckets(pool, rate,
                                           config.env_float("RATE_LIMIT_BURST", 300.0))
    return _limiter


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None,
          mimetype: str = "application/json") -> Response:
    if mimetype == "application/json":
        payload = wire.compact(body)
    else:
        payload = body
    return Response(payload, status=status, mimetype=mimetype, headers=headers or {})


def _allowed_methods(adapter: Any, path: str, candidates: Any) -> list[str]:
    """The methods of the route template this path belongs to.

    werkzeug lists every rule the path matches: `/activities/stats` also matches
    `/activities/{id}`, whose PATCH is not a method of the stats resource. The resource is
    the most specific template (fewest parameters) any method resolves to.
    """
    by_method: dict[str, str] = {}
    for method in sorted(set(candidates)):
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        by_method[method] = ROUTES[int(endpoint)].path
    if not by_method:
        return sorted(set(candidates))
    template = min(by_method.values(), key=lambda p: (p.count("{"), p))
    return sorted(m for m, p in by_method.items() if p == template)


def _refuse_unstorable(params: dict, args: Any) -> None:
    """NUL and lone surrogates cannot be stored by PostgreSQL (text or jsonb): refuse them
    here, as invalid input, rather than let a service fail on them (bodies: eventkit.jsonbody).
    """
    errors: dict[str, list[str]] = {}
    for name, value in params.items():
        if (problem := jsonbody.text_problem(str(value))) is not None:
            errors[name] = [problem]
    if args is not None:
        for name, value in args.items(multi=True):
            if (problem := jsonbody.text_problem(name + value)) is not None:
                errors[name if jsonbody.text_problem(name) is None else "_query"] = [problem]
    if errors:
        raise Problem(422, "the request holds text that cannot be stored", errors=errors)


class GatewayService:
    name = "gateway"

    org = RpcProxy("org")
    activities = RpcProxy("activities")
    funding = RpcProxy("funding")
    assessment = RpcProxy("assessment")
    context = WorkerContextData()
    pool = GatewayDb()
    tracking = GatewayTracking()  # the feed of every service's events, departments.outbound

    _map: Map | None = None

    def _services(self) -> Services:
        timeout = config.env_float("RPC_TIMEOUT_SECONDS", 10.0)
        return Services({s: getattr(self, s) for s in SERVICES}, timeout)

    @http("GET", "/health")
    def health(self, request: Any) -> Response:
        services = self._services()
        replies = {s: getattr(services, s).call_async("health") for s in SERVICES}
        state: dict[str, Any] = {}
        import eventlet

        for name, reply in replies.items():
            try:
                with eventlet.Timeout(config.env_float("HEALTH_TIMEOUT_SECONDS", 3.0)):
                    state[name] = reply.result()
            except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - report, never raise
                state[name] = {"status": "down", "error": type(exc).__name__}
        ok = all(v.get("status") == "ok" for v in state.values())
        connections = {name: v["connections"] for name, v in state.items()
                       if isinstance(v.get("connections"), dict)}
        connections["gateway"] = self.tracking.connections()
        held = sum(c.get("total", 0) for c in connections.values())
        return _json({"status": "ok" if ok else "degraded", "services": state,
                      "connections": {"processes": connections, "total": held,
                                      "budget": instance_budget()}},
                     200 if ok else 503)

    @http("GET", "/metrics")
    def prometheus_metrics(self, request: Any) -> Response:
        body, content_type = metrics.render()
        return Response(body, status=200, content_type=content_type)

    @http("GET", "/health/live")
    def health_live(self, request: Any) -> Response:
        status, body = metrics.health_answer("/health/live") or (404, {})
        return _json(body, status)

    @http("GET", "/health/ready")
    def health_ready(self, request: Any) -> Response:
        status, body = metrics.health_answer("/health/ready") or (404, {})
        return _json(body, status)

    @http("GET", "/api/v1/openapi.json")
    def openapi_document(self, request: Any) -> Response:
        return _json(openapi.build())

    # the console: `/` and every path outside the API (gateway/console.py)
    @http("GET", "/")
    def console_index(self, request: Any) -> Response:
        return console.serve("", request.headers.get("Accept-Encoding", ""))

    @http("GET", "/<path:path>")
    def console_page(self, request: Any, path: str) -> Response:
        return console.serve(path, request.headers.get("Accept-Encoding", ""))

    # OPTIONS and TRACE too, so that they get the route table's 405 with its exact `Allow`
    # rather than the catch-all's
    @http("GET,POST,PUT,PATCH,DELETE,OPTIONS,TRACE", "/api/v1/<path:path>")
    def api(self, request: Any, path: str) -> Response:
        started = time.perf_counter()
        correlation_id = request.headers.get("X-Correlation-Id") or uuid.uuid4().hex
        correlation_id = correlation_id[:100]
        self.context["correlation_id"] = correlation_id
        logs.bind_request(correlation_id, None, "gateway")
        principal = None
        try:
            reply = self._dispatch(request, correlation_id)
            principal = reply[1]
            response = reply[0]
        except Problem as problem:
            response = problem.response()
            self._record_refusal(request, problem, correlation_id)
        except CoopLeagueError as err:
            mapped = Problem.from_error(err)
            response = mapped.response()
            self._record_refusal(request, mapped, correlation_id)
        except psycopg2.OperationalError as err:
            log.warning("gateway database unavailable", error=str(err).strip()[:200])
            response = Problem(503, "the gateway's database is unavailable; retry shortly",
                               headers={"Retry-After": "1"}).response()
        except RemoteError as err:
            # first line only: a database error's DETAIL/CONTEXT lines quote the row or the
            # event's JSON, which may hold personal data
            log.error("service failed", error=err.exc_type,
                      detail=str(err.value).split("\n", 1)[0][:200])
            response = Problem(500, "a service failed; the request may be retried").response()
        except Exception:  # noqa: BLE001 - never leak a stack trace to a client
            log.exception("gateway failed")
            response = Problem(500, "the gateway failed; the request may be retried").response()
        response.headers["X-Correlation-Id"] = correlation_id
        # answers are per caller (scope, personal data: members, rosters, exports, letters):
        # no shared or browser cache may keep them
        response.headers.setdefault("Cache-Control", "no-store")
        log.info("request", method=request.method, path=request.path,
                 status=response.status_code, actor=principal.actor if principal else None,
                 ms=round((time.perf_counter() - started) * 1000, 1))
        return response

    # -- the pipeline ------------------------------------------------------------------
    def _dispatch(self, request: Any, correlation_id: str) -> tuple[Response, Any]:
        if GatewayService._map is None:
            GatewayService._map = url_map()
        adapter = GatewayService._map.bind("localhost")
        try:
            endpoint, params = adapter.match(request.path, method=request.method)
        except MethodNotAllowed as exc:
            allow = ", ".join(_allowed_methods(adapter, request.path, exc.valid_methods or ()))
            raise Problem(405, f"{request.method} is not allowed on {request.path}",
                          headers={"Allow": allow}) from None
        except (NotFound, RequestRedirect):
            # werkzeug redirects `//` to `/`; an API client gets the 404 of a wrong path
            raise Problem(404, f"no resource at {request.path}") from None
        route = ROUTES[int(endpoint)]
        request.environ[ROUTE_KEY] = "/api/v1" + route.path
        params = dict(params)
        if not route.auth and route.method != "GET":
            # logins, webhooks (before the signature check's RPC to funding), comments
            abuse.limit_anonymous(request)
        if not route.auth:
            return self._dispatch_self_authenticated(route, params, request, correlation_id), None
        authorization = request.headers.get("Authorization")
        args = dict(request.args.items())
        if authorization is not None and len(authorization) > abuse.MAX_AUTHORIZATION:
            abuse.limit_anonymous(request)
            raise Problem(431, "the Authorization header is longer than"
                               f" {abuse.MAX_AUTHORIZATION} characters")
        if "access_token" in args:
            raise Problem(422, "bearer tokens are not accepted in URLs; calendar apps use a"
                               " calendar feed token (POST /units/{id}/calendar-tokens)",
                          errors={"access_token": ["not accepted in the query"]})
        feed_token = args.pop("feed_token", None) if route.feed_token else None
        try:
            if feed_token is not None and authorization is None:
                with self.pool.transaction() as cur:
                    principal = calendar_tokens.principal_for(cur, feed_token,
                                                              params.get("id", ""))
            else:
                principal = auth.authenticate(authorization)
        except (auth.Unauthorized, Problem) as exc:
            abuse.limit_anonymous(request)  # 429 past the address's budget, else 401
            raise Problem(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
        self.context["actor"] = principal.actor
        self.context["principal"] = {"sub": principal.sub, "department": principal.department,
                                     "role": principal.role, "unit": principal.unit}
        logs.bind_request(correlation_id, principal.actor, "gateway")
        buckets = limiter(self.pool)
        if buckets is not None:
            # the principal, not the header: another spacing or a fresh token of the same
            # person is the same budget
            wait = buckets.take(abuse.bucket_key(principal))
            if wait > 0:
                after = ratelimit.retry_after(wait)
                raise Problem(429, f"too many requests with this token; retry in {after} s",
                              headers={"Retry-After": after})
        if not policy.allowed(principal, route.action):
            raise Problem(403, f"{principal.department}/{principal.role} may not {route.action}")
        _refuse_unstorable(params, request.args)
        query = self._load(route.query, args, "query") if route.query else {}
        raw = b""
        body = None
        if route.body is not None:
            raw = request.get_data(cache=True)
            if len(raw) > MAX_BODY:
                raise Problem(413, "the body is larger than 1 MB")
            body = jsonbody.loads(raw)  # 422 for invalid, too deep or unstorable JSON
            self._load(route.body, body, "body")
        key = request.headers.get("Idempotency-Key")
        writes = route.method != "GET"
        # keys are scoped by the whole principal: the same person with another department,
        # role or unit scope must not get an answer stored for the other one
        owner = abuse.principal_key(principal)
        command_id = (idempotency.command_id(owner, key) if key and writes
                      else uuid.uuid4().hex)
        if key and writes:
            stored = idempotency.begin(self.pool, owner, key, route.method,
                                       request.path, idempotency.body_hash(raw))
            if stored is not None:
                status, stored_body, headers = stored
                replayed = {**headers, "Idempotent-Replayed": "true"}
                return _json(stored_body, status, replayed), principal
        services = self._services()
        req = Request(principal=principal, params=params, query=query, body=body,
                      rpc=services, command_id=command_id,
                      correlation_id=correlation_id, raw=request, pool=self.pool,
                      subtree=lambda unit_id: scope.subtrees().get(
                          unit_id, lambda u: list(services.org.unit_subtree_ids(u))))
        try:
            result = route.handler(req)
        except (Problem, CoopLeagueError) as err:
            if key and writes:
                status = err.status
                problem = err if isinstance(err, Problem) else Problem.from_error(err)
                if status < 500:
                    idempotency.finish(self.pool, owner, key, status, problem.body(), {})
                else:
                    idempotency.abandon(self.pool, owner, key)
            raise
        except BaseException:
            if key and writes:
                idempotency.abandon(self.pool, owner, key)
            raise
        reply = result if isinstance(result, Reply) else Reply(result, route.status)
        if writes and route.action.startswith("units."):
            scope.subtrees().invalidate()  # the tree may have changed: read your own writes
        if key and writes:
            idempotency.finish(self.pool, owner, key, reply.status, reply.body, reply.headers)
        return _json(reply.body, reply.status, reply.headers, reply.content_type), principal

    def _dispatch_self_authenticated(self, route: Any, params: dict, request: Any,
                                     correlation_id: str) -> Response:
        """A route with `auth=False` authenticates the request itself (partner webhooks: a
        signature over the raw bytes): no bearer token, policy or Idempotency-Key here; the
        handler gets the raw body bytes as `req.body` and the headers through `req.raw`."""
        raw = request.get_data(cache=True)
        if len(raw) > MAX_BODY:
            raise Problem(413, "the body is larger than 1 MB")
        req = Request(principal=None, params=params, query={}, body=raw,  # type: ignore[arg-type]
                      rpc=self._services(), command_id=uuid.uuid4().hex,
                      correlation_id=correlation_id, raw=request, pool=self.pool)
        result = route.handler(req)
        reply = result if isinstance(result, Reply) else Reply(result, route.status)
        return _json(reply.body, reply.status, reply.headers, reply.content_type)

    @staticmethod
    def _load(schema_cls: Any, data: Any, where: str) -> Any:
        if not isinstance(data, dict):
            raise Problem(422, f"the {where} must be a JSON object",
                          errors={"_" + where: ["must be an object"]})
        schema = validation.schema_of(schema_cls, RAISE)
        if where == "body":  # JSON is typed: "40" is not an integer (queries are all text)
            strict = validation.strict_type_errors(schema, data)
            if strict:
                raise Problem(422, f"the {where} has invalid fields", errors=strict)
        try:
            return schema.load(data)
        except ValidationError as err:
            raise Problem(422, f"the {where} has invalid fields", errors=err.messages) from None

    def _record_refusal(self, request: Any, problem: Problem, correlation_id: str) -> None:
        if problem.status not in (401, 403, 404, 409, 422, 429, 431):
            return
        if problem.recorded:
            return
        template = request.environ.get(ROUTE_KEY, "/api/v1/*")
        try:
            with self.pool.transaction() as cur:
                abuse.record_refusal(
                    cur, actor=self.context.get("actor"), address=abuse.client_address(request),
                    method=request.method, template=template, status=problem.status,
                    detail=problem.detail, correlation_id=correlation_id)
        except Exception as exc:  # noqa: BLE001 - an audit hiccup must not turn a 4xx into a 500
            log.warning("refusal not recorded", error=str(exc))
