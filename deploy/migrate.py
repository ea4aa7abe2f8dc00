"""`python -m deploy.migrate [process ...]`: apply the migrations of every process (or those
named), through the kernel's `eventkit.migrate`."""

from __future__ import annotations

import sys

from deploy.services import PROCESSES
from eventkit import migrate

if __name__ == "__main__":
    sys.exit(migrate.main(sys.argv[1:] or list(PROCESSES)))
