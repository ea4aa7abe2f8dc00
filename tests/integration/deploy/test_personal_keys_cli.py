"""`python -m deploy.personal_keys rotate` reaches every process's key table, the gateway's
too (names in issued documents are sealed there), on the test instance's database."""

from __future__ import annotations

from deploy import personal_keys
from deploy.services import PROCESSES


def test_rotation_covers_the_gateway_and_every_service(capsys) -> None:
    assert "gateway" in PROCESSES
    assert personal_keys.main(["rotate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(PROCESSES)
    # everything is under the current master key now: a second run re-wraps nothing
    assert all(personal_keys.rotate(p) == 0 for p in PROCESSES)


def test_an_unknown_process_or_command_is_a_usage_error(capsys) -> None:
    assert personal_keys.main(["rotate", "bank"]) == 2
    assert personal_keys.main([]) == 2
    assert "usage: python -m deploy.personal_keys rotate" in capsys.readouterr().out
