"""nameko's HTTP entrypoint with problem+json for what nameko answers itself.

nameko's web server answers a request that matches none of its rules (a path with a newline
does not match `<path:path>`) or an unregistered method with werkzeug's HTML pages; the API
promises RFC 9457 problem details everywhere, so the gateway's entrypoints use this server.
It also accepts request lines up to `MAX_URL_BYTES` (eventlet's default, 8 KiB, answers 414 to
a query that the OpenAPI document allows).
"""

from __future__ import annotations

import json
import time
from typing import Any

from eventlet.wsgi import HeaderLineTooLong, HeadersTooLarge
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Request

from eventkit import metrics
from gateway.problems import PROBLEM, TITLES, Problem

MAX_URL_BYTES = 65536
ROUTE_KEY = "coopleague.route"


def problem_for(exc: HTTPException) -> Any:
    status = exc.code or 500
    headers: dict[str, str] = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(set(exc.valid_methods)))
    detail = {404: "no resource at this path", 405: "method not allowed on this path"}.get(
        status, exc.description or "")
    return Problem(status, detail, headers=headers).response()


class ProblemWsgiApp(WsgiApp):
    def __call__(self, environ: dict, start_response: Any) -> Any:
        started = time.perf_counter()
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        route = "unmatched"
        try:
            provider, values = adapter.match()
            route = getattr(provider, "url", route)
            request.path_values = values  # type: ignore[attr-defined]
            rv = provider.handle_request(request)
        except HTTPException as exc:
            rv = problem_for(exc)
        # every answer: a browser must not sniff a JSON or calendar body into HTML
        rv.headers.setdefault("X-Content-Type-Options", "nosniff")
        # the API's catch-all names the route template it dispatched to (bounded labels)
        route = environ.get(ROUTE_KEY, route)
        labels = (route, environ.get("REQUEST_METHOD", "?"), str(rv.status_code))
        metrics.HTTP_REQUESTS.labels(*labels).inc()
        metrics.HTTP_SECONDS.labels(*labels).observe(time.perf_counter() - started)
        return rv(environ, start_response)


def raw_problem(status: int, detail: str) -> bytes:
    """A whole HTTP/1.0 problem+json response, for answers given before WSGI runs."""
    body = json.dumps({"type": "https://coopleague.example/problems/"
                               + TITLES[status].lower().replace(" ", "-"),
                       "title": TITLES[status], "status": status, "detail": detail}).encode()
    head = (f"HTTP/1.0 {status} {TITLES[status]}\r\nContent-Type: {PROBLEM}\r\n"
            f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n"
            "Connection: close\r\n\r\n")
    return head.encode() + body


class ProblemProtocol(HttpOnlyProtocol):
    """eventlet answers a header line over 8 KiB, or headers over 64 KiB in all, with an empty
    `400` (an oversized `Authorization`, say): answer 431 with a problem body instead."""

    def parse_request(self) -> bool:
        try:
            return bool(super().parse_request())
        except (HeaderLineTooLong, HeadersTooLarge) as exc:
            what = ("a header line is longer than 8 KiB" if isinstance(exc, HeaderLineTooLong)
                    else "the headers are larger than 64 KiB in all")
            self.wfile.write(raw_problem(431, what))
            self.close_connection = True
            return False


class ProblemWebServer(WebServer):
    def get_wsgi_app(self) -> Any:
        return ProblemWsgiApp(self)

    def get_wsgi_server(self, sock: Any, wsgi_app: Any, protocol: Any = ProblemProtocol,
                        debug: bool = False) -> Any:
        server = super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)
        server.url_length_limit = MAX_URL_BYTES
        return server


class ApiHttp(HttpRequestHandler):
    server = ProblemWebServer()

    def check_signature(self, args: Any, kwargs: Any) -> None:
        """Every handler takes (request, **the URL rule's arguments), which werkzeug's match
        supplies by construction; nameko's `inspect.getcallargs` check of that, on every
        request, was 3-5% of the gateway's CPU (issue 16)."""


http = ApiHttp.decorator
