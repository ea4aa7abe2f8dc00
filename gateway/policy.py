"""Who may do what: one table, read by every route (documented in docs/access.md).

An action is `<resource>.<verb>`. A rule lists the departments allowed (or "*") and the
lowest role needed. Roles rank viewer < editor < admin.
"""

from __future__ import annotations

from gateway.auth import Principal

RANK = {"viewer": 0, "editor": 1, "admin": 2}
ANY = "*"

# action -> (departments, minimum role)
POLICY: dict[str, tuple[tuple[str, ...] | str, str]] = {
    "cooperatives.read": (ANY, "viewer"),
    "cooperatives.write": (("league_committee", "agriculture", "supply_coop",
                            "economic_management"), "editor"),
}


def allowed(principal: Principal, action: str) -> bool:
    rule = POLICY.get(action)
    if rule is None:
        return False  # an action missing from the table is refused, never open by default
    departments, minimum = rule
    if principal.role == "admin" and principal.department == "league_committee":
        return True  # the committee's administrators run the platform
    if departments != ANY and principal.department not in departments:
        return False
    return RANK[principal.role] >= RANK[minimum]
