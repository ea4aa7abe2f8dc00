"""Fixtures: org's service in-process on a fresh schema of the test database (county.py)."""

from __future__ import annotations

import pytest

from tests.integration.org.county import County


@pytest.fixture
def county(dsn):
    c = County(dsn)
    yield c
    c.close()
