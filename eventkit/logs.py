"""structlog JSON logs; `correlation_id` and `actor` are bound per request in contextvars.

greenlet >= 1.0 gives every greenthread its own contextvars context, so binding in a
nameko worker never leaks into another worker.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, merge_contextvars

_configured = False

# Never written to logs, whatever a caller passes (personal data): keys named so are redacted,
# and resident ID numbers and mobile numbers inside any text (an exception's message quoting
# a unique key's value, a payload echoed in an error) keep their last four characters only.
_REDACT = {"id_number", "phone", "resident_id", "contact", "password", "secret", "token",
           "name", "admin_name", "member_name", "beneficiary_name", "birth_date", "mobile",
           "address", "id_last4", "payload", "body", "data"}
_NOT_PERSONAL = {"event", "level", "timestamp", "logger", "service", "correlation_id", "actor"}
_NUMBERS = re.compile(r"(?<![0-9A-Za-z])(?:\d{6})(?:\d{8})(?:\d{3}[\dXx])(?![0-9A-Za-z])"
                      r"|(?<!\d)1[3-9]\d{5}(\d{4})(?!\d)")


def scrub_text(text: str) -> str:
    """Resident ID and mobile numbers in free text, masked to their last four characters."""
    return _NUMBERS.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(0)[-4:], text)


def _scrub(value: object, depth: int = 0) -> object:
    if isinstance(value, str):
        return scrub_text(value)
    if depth < 4 and isinstance(value, dict):
        return {k: "[redacted]" if k in _REDACT else _scrub(v, depth + 1)
                for k, v in value.items()}
    if depth < 4 and isinstance(value, list | tuple):
        return [_scrub(v, depth + 1) for v in value]
    return value


def _redact(_logger: Any, _name: str, event: Any) -> Any:
    for key in list(event):
        if key in _REDACT and key not in _NOT_PERSONAL:
            event[key] = "[redacted]"
        else:
            event[key] = _scrub(event[key])
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
        processors=[*shared, structlog.processors.format_exc_info, _redact,
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
                               structlog.processors.format_exc_info, _redact],
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
                           structlog.processors.format_exc_info, _redact],
    )
