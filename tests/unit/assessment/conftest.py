"""Make the project root importable when pytest runs from the `pytest` entry point.

The project is not installed into the venv and `tests/unit` has no `__init__.py`, so
pytest's default "prepend" import mode puts only this directory on sys.path. A root
`conftest.py` or `pythonpath = ["."]` in pyproject would make this file unnecessary.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
