"""A partner's broker password never starts with "-" (rabbitmqctl add_user would take it for
an option: test_funding_credit.py's onboarding failed so, one time in 64)."""

from __future__ import annotations

from typing import Any

from services.funding.partners import records


def test_a_password_starting_with_a_dash_is_drawn_again(monkeypatch: Any) -> None:
    drawn = iter(["-starts-with-a-dash", "--twice", "fine-one"])
    monkeypatch.setattr(records.secrets, "token_urlsafe", lambda n: next(drawn))
    assert records.broker_password() == "fine-one"


def test_passwords_are_long_and_never_an_option() -> None:
    for _ in range(500):
        password = records.broker_password()
        assert len(password) == 32 and not password.startswith("-")
