"""Problem details built from a service error never lose their own members."""

from eventkit.errors import RuleViolation
from gateway.problems import Problem


def test_a_detail_named_like_a_problem_member_is_kept_under_another_name():
    err = RuleViolation("grant already settled", {"status": "settled", "title": "x", "id": "g1"})
    body = Problem.from_error(err).body()
    assert body["status"] == 409
    assert body["title"] == "Conflict with the current state"
    assert body["rule_status"] == "settled" and body["rule_title"] == "x"
    assert body["id"] == "g1"
