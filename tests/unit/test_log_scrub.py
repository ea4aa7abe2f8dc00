"""Personal fields never reach the logs: keys named so are redacted, ID and mobile numbers in
any text (an exception quoting a unique key's value) keep their last four characters."""

from __future__ import annotations

from eventkit.logs import _redact, scrub_text


def test_personal_keys_redacted_and_numbers_masked_anywhere():
    event = {"event": "command failed", "name": "王芳", "phone": "13912345678",
             "exception": 'DETAIL:  Key (resident_id)=(37120220010304123X) already exists.',
             "extra": {"resident_id": "37120220010304123X", "note": "call 13912345678"},
             "position": 12, "service": "org"}
    out = _redact(None, "info", dict(event))
    assert out["name"] == "[redacted]" and out["phone"] == "[redacted]"
    assert "37120220010304123X" not in out["exception"] and "123X" in out["exception"]
    assert out["extra"] == {"resident_id": "[redacted]", "note": "call *******5678"}
    assert out["position"] == 12 and out["service"] == "org" and out["event"] == "command failed"


def test_other_numbers_are_left_alone():
    text = "position 123456789012 relayed, uuid 0b9f3c0e5f6a4b1c9d2e7f8a6b5c4d3e, 2026-11-30"
    assert scrub_text(text) == text


def test_outbound_withholds_personal_fields_from_departments_not_reading_members():
    from gateway.outbound import WITHHELD, visible_data

    data = {"person_id": "p1", "name": "王芳", "source": "x", "on": "2026-01-01"}
    assert visible_data("organization", "org", "CommitteeMemberAppointed", data) == data
    seen = visible_data("agriculture", "org", "CommitteeMemberAppointed", data)
    assert seen == {**data, "name": WITHHELD}
    coop = {"name": "苹果专业合作社", "uscc": "x"}
    assert visible_data("agriculture", "org", "CooperativeRegistered", coop) == coop
