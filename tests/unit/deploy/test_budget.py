"""The connection budget of one platform instance (issue 10, point 1)."""

from __future__ import annotations

from deploy import budget as deploy_budget
from deploy.services import instance_budget, process_budget
from eventkit import budget, config


def test_one_instance_holds_at_most_thirty_connections_by_default(monkeypatch):
    for name in ("SERVICE_POOL_SIZE", "GATEWAY_POOL_SIZE", "PARTNERS_POOL_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert instance_budget() <= 30
    # four services (pool + relay), funding's partner pool, the gateway (pool + outbound)
    assert instance_budget() == 4 * (4 + 1) + 2 + 6 + 1


def test_pool_maxima_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SERVICE_POOL_SIZE", "2")
    monkeypatch.setenv("GATEWAY_POOL_SIZE", "3")
    monkeypatch.setenv("PARTNERS_POOL_SIZE", "0")  # at least one
    assert config.pool_size("service") == 2
    assert process_budget("funding") == 2 + 1 + 1
    assert process_budget("gateway") == 3 + 1
    assert instance_budget() == 3 * 3 + 4 + 4


def test_check_refuses_with_the_figures_when_the_server_is_too_full(monkeypatch):
    monkeypatch.setattr(budget, "headroom", lambda dsn: budget.Headroom(100, 3, 80))
    problem = deploy_budget.check([], "postgresql://x/y")
    assert problem is not None
    assert "needs up to 29 connections" in problem and "17 free" in problem
    assert "max_connections 100" in problem


def test_check_passes_when_the_server_holds_the_processes_to_start(monkeypatch):
    monkeypatch.setattr(budget, "headroom", lambda dsn: budget.Headroom(100, 3, 80))
    assert deploy_budget.check(["gateway"], "postgresql://x/y") is None  # 7 of 17 free


def test_check_says_so_when_the_server_refuses_connections_already(monkeypatch):
    import psycopg2

    def full(dsn):
        raise psycopg2.OperationalError("FATAL:  sorry, too many clients already")

    monkeypatch.setattr(budget, "headroom", full)
    assert "refuses new ones already" in deploy_budget.check([], "postgresql://x/y")
