"""structlog JSON logs; `correlation_id` and `actor` are bound per request in contextvars.

greenlet >= 1.0 gives every greenthread its own contextvars context, so binding in a
nameko worker never leaks into another worker.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, merge_contextvars

_configured = False

# Never written to logs, whatever a caller passes (personal data).
_REDACT = {"id_number", "phone", "resident_id", "contact", "password", "secret", "token"}


def _redact(_logger: Any, _name: str, event: Any) -> Any:
    for key in list(event):
        if key in _REDACT:
            event[key] = "[redacted]"
    return event


def configure(service: str, level: str = "INFO") -> None:
    global _configured
    if _configured:
        return
    _configured = True
    shared: list[Any] = [
        merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(ensure_ascii=False)],
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        structlog.processors.JSONRenderer(ensure_ascii=False)],
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name,
                               structlog.processors.format_exc_info],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    bind_contextvars(service=service)


def bind_request(correlation_id: str | None, actor: str | None, service: str) -> None:
    clear_contextvars()
    bind_contextvars(service=service, correlation_id=correlation_id, actor=actor)


def get(name: str = "coopleague") -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger(name)


def json_formatter() -> logging.Formatter:
    """For nameko's LOGGING dictConfig: stdlib records rendered as JSON lines."""
    return structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.JSONRenderer(ensure_ascii=False)],
        foreign_pre_chain=[merge_contextvars, structlog.processors.add_log_level,
                           structlog.processors.TimeStamper(fmt="iso", utc=True),
                           structlog.stdlib.add_logger_name, _redact,
                           structlog.processors.format_exc_info],
    )
