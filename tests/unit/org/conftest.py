"""Puts the repository root on sys.path.

The project is not installed in the venv and tests/unit has no __init__.py, so pytest's
default (prepend) import mode only adds this directory; the lead may replace this with
`pythonpath = ["."]` in pyproject's pytest options.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
