"""The platform's processes: the one place that names the services (the kernel names none).

The command lines that act on every service live beside it: `python -m deploy.migrate`,
`python -m deploy.rebuild <svc>`, `python -m deploy.catalogue > docs/events.md`.
"""

from __future__ import annotations

SERVICES: tuple[str, ...] = ("org", "activities", "funding", "assessment")
PROCESSES: tuple[str, ...] = (*SERVICES, "gateway")
