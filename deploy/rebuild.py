"""`python -m deploy.rebuild <service>`: rebuild one service's read models (eventkit.rebuild)."""

from __future__ import annotations

import importlib
import sys

from deploy.services import SERVICES
from eventkit import config
from eventkit.rebuild import rebuild
from eventkit.store import EventStore


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in SERVICES:
        print(f"usage: python -m deploy.rebuild {{{'|'.join(SERVICES)}}}")
        return 2
    service = argv[0]
    module = importlib.import_module(f"services.{service}.projections")
    events = importlib.import_module(f"services.{service}.contract.events")
    result = rebuild(config.dsn(service), service, EventStore(service, events.registry),
                     [module.projector])
    print(f"{service}: read models rebuilt up to position {result['position']}"
          f" ({result['tables']} tables swapped)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
