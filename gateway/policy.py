"""Who may do what: one table, read by every route (documented in docs/access.md).

An action is `<resource>.<verb>`. A rule lists the departments allowed (or ANY) and the
lowest role needed; roles rank viewer < editor < admin. The league committee's admins may
do everything (they run the platform). An action missing from the table is refused.
Unit scope (a token's `unit` claim) is applied on top of this by the routes: a scoped token
sees its unit and the units below it, and nothing else (404).
"""

from __future__ import annotations

from gateway.auth import Principal

RANK = {"viewer": 0, "editor": 1, "admin": 2}
ANY = "*"

LEAGUE = "league_committee"
ORGANIZATION = "organization"
AGRICULTURE = "agriculture"
SUPPLY_COOP = "supply_coop"
ECONOMIC = "economic_management"
FINANCE = "finance"
BANK = "bank"

# action -> (departments allowed, minimum role)
POLICY: dict[str, tuple[tuple[str, ...] | str, str]] = {
    # organization: committee, establishment, leadership, tree, members
    "committees.read": (ANY, "viewer"),
    "committees.write": ((LEAGUE,), "editor"),
    "committees.approve": ((LEAGUE, ORGANIZATION), "admin"),  # approval, leadership changes
    "units.read": (ANY, "viewer"),
    "units.write": ((LEAGUE,), "editor"),
    "members.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "members.write": ((LEAGUE,), "editor"),
    "transfers.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "transfers.write": ((LEAGUE,), "editor"),
    "cooperatives.read": (ANY, "viewer"),
    "cooperatives.write": ((LEAGUE, AGRICULTURE, SUPPLY_COOP, ECONOMIC), "editor"),
    "coverage.read": ((LEAGUE, ORGANIZATION, AGRICULTURE, SUPPLY_COOP, ECONOMIC), "viewer"),
    # activities and meetings
    "activities.read": (ANY, "viewer"),
    "activities.write": ((LEAGUE,), "editor"),
    "meetings.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "meetings.write": ((LEAGUE,), "editor"),
    # funds, dues, credit, partners
    "funds.read": ((LEAGUE, FINANCE), "viewer"),
    "funds.write": ((LEAGUE,), "editor"),
    "dues.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "dues.write": ((LEAGUE,), "editor"),
    "credit.read": ((LEAGUE, FINANCE, BANK, SUPPLY_COOP), "viewer"),
    "credit.write": ((LEAGUE,), "editor"),  # recommendations of applicants by a unit
    "partners.admin": ((LEAGUE,), "admin"),
    # assessment
    "commitments.read": (ANY, "viewer"),
    "commitments.write": ((LEAGUE,), "editor"),
    "commitments.moderate": ((LEAGUE,), "editor"),
    "assessments.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "assessments.write": ((LEAGUE,), "editor"),
    "recommendations.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "recommendations.write": ((LEAGUE,), "editor"),
    # combined views, audit, feed, exports
    "dashboard.read": (ANY, "viewer"),
    "departments.read": (ANY, "viewer"),
    "audit.read": ((LEAGUE, ORGANIZATION), "admin"),
    "events.read": (ANY, "viewer"),
    "exports.read": (ANY, "viewer"),
}


def allowed(principal: Principal, action: str) -> bool:
    rule = POLICY.get(action)
    if rule is None:
        return False
    if principal.role == "admin" and principal.department == LEAGUE:
        return True
    departments, minimum = rule
    if departments != ANY and principal.department not in departments:
        return False
    return RANK[principal.role] >= RANK[minimum]
