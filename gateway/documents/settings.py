"""The county's names from configuration (`DOCUMENTS_CONFIG`, default deploy/documents.yaml)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "deploy" / "documents.yaml"
ISSUERS = ("county_league_committee", "working_committee")


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    missing = [k for k in ("county", "county_league_committee", "working_committee", "issuers")
               if k not in data]
    missing += [f"issuers.{i}" for i in ISSUERS if i not in (data.get("issuers") or {})]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    return data


def names() -> dict[str, Any]:
    """The configuration as the templates see it (`org.county`, `org.issuers.*`...)."""
    return _load(os.environ.get("DOCUMENTS_CONFIG") or str(DEFAULT))


def issuer(key: str) -> dict[str, str]:
    return dict(names()["issuers"][key])
