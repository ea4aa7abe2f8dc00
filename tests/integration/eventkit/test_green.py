"""The start-up check: under eventlet, psycopg2 must be green or the service refuses to run."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import eventlet
eventlet.monkey_patch(psycopg={patch})
from eventkit import db
try:
    db.assert_green()
except db.NotGreen:
    raise SystemExit(3)
"""


def run(patch: bool) -> int:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(patch=patch)],
                          capture_output=True, timeout=60).returncode


def test_green_psycopg2_passes_the_check():
    assert run(True) == 0


def test_blocking_psycopg2_under_eventlet_fails_fast():
    assert run(False) == 3
