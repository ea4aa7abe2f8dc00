"""Make the repository root importable when pytest runs as `.venv/bin/pytest` (the project
is not installed into the venv and pyproject sets no `pythonpath`)."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
