"""Every service entrypoint is the kernel's `@rpc` (eventkit.rpc_entrypoint): a service that
imported nameko.rpc's would put a second consumer class on its queue, and each class would
take a share of the calls (lint-imports cannot forbid a submodule of an external package)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_service_imports_nameko_rpc():
    offenders = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if any(n == "nameko.rpc" or n.startswith("nameko.rpc.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
