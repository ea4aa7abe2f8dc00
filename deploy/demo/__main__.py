"""Run the demo modules in order: org, activities, funding, credit_applications (issue 12
part 7), assessment, seed_rules (issue 12), service_requests (issue 12 part 6), seed_people
(issue 12 parts 3-5)."""

from __future__ import annotations

import importlib
import os
import sys
import time

from deploy.demo.client import Client

ORDER = ("org", "activities", "funding", "credit_applications", "assessment", "seed_rules",
         "service_requests", "seed_people")


def main() -> int:
    client = Client()
    state: dict = {}
    # DEMO_SKIP=funding: `make bench` leaves out the partners' broker users, which RabbitMQ
    # shares between instances (another instance's demo partners keep their passwords)
    skip = {s.strip() for s in os.environ.get("DEMO_SKIP", "").split(",") if s.strip()}
    for name in ORDER:
        if name in skip:
            print(f"demo: {name} skipped (DEMO_SKIP)")
            continue
        try:
            module = importlib.import_module(f"deploy.demo.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"deploy.demo.{name}":
                continue
            raise
        started = time.monotonic()
        module.load(client, state)
        print(f"demo: {name} loaded in {time.monotonic() - started:.1f}s")
    # a bulk load: the planner's statistics now, not at the processes' next round
    from deploy import maintenance

    maintenance.main([])
    print("demo county loaded: open", client.base + "/api/v1/dashboard")
    return 0


if __name__ == "__main__":
    sys.exit(main())
