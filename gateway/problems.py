"""RFC 9457 problem details."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

PROBLEM = "application/problem+json"
_RESERVED = {"type", "title", "status", "detail", "instance", "headers"}

TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Payload too large",
          415: "Unsupported media type", 422: "Invalid input", 423: "Locked",
          429: "Too many requests", 431: "Request header fields too large",
          500: "Internal error", 503: "Service unavailable", 504: "Upstream timeout"}


class Problem(Exception):
    def __init__(self, status: int, detail: str, title: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or TITLES.get(status, "Error")
        self.headers = headers or {}
        self.extra = extra
        self.recorded = False  # True: already in the audit trail, do not record again

    @classmethod
    def from_error(cls, err: Any) -> Problem:
        """A service's CoopLeagueError as a problem; its details become extension members.

        A detail named like a member of the problem itself (`status`, `title`, ...) is kept
        under `rule_<name>` so it can never overwrite the problem's own.
        """
        extra = {(f"rule_{k}" if k in _RESERVED else k): v for k, v in err.details.items()}
        return cls(err.status, err.detail, title=err.title, **extra)

    def body(self) -> dict[str, Any]:
        slug = self.title.lower().replace(" ", "-")
        return {"type": f"https://coopleague.example/problems/{slug}", "title": self.title,
                "status": self.status, "detail": self.detail, **self.extra}

    def response(self) -> Response:
        return Response(json.dumps(self.body(), ensure_ascii=False), status=self.status,
                        mimetype=PROBLEM, headers=self.headers)
