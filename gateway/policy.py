"""Who may do what: one table, read by every route (documented in docs/access.md).

An action is `<resource>.<verb>`. A rule lists the departments allowed (or ANY) and the
lowest role needed; roles rank viewer < editor < admin. The league committee's admins may
do everything (they run the platform). An action missing from the table is refused.
Unit scope (a token's `unit` claim) is applied on top of this by the routes: a scoped token
sees its unit and the units below it, and nothing else (404).
"""

from __future__ import annotations

from gateway.auth import Principal
from gateway.event_actions import EVENT_ACTIONS, event_action  # noqa: F401  (re-exported)

RANK = {"viewer": 0, "editor": 1, "admin": 2}
ANY = "*"

LEAGUE = "league_committee"
ORGANIZATION = "organization"
AGRICULTURE = "agriculture"
SUPPLY_COOP = "supply_coop"
ECONOMIC = "economic_management"
FINANCE = "finance"
COMMERCE = "commerce"
TAX = "tax"
BANK = "bank"
SCIENCE_TECH = "science_technology"
CIVIL_AFFAIRS = "civil_affairs"
# the member departments that answer service requests (issue 12 part 6)
MEMBER_DEPARTMENTS = (ORGANIZATION, AGRICULTURE, SUPPLY_COOP, ECONOMIC, COMMERCE, SCIENCE_TECH,
                      CIVIL_AFFAIRS, TAX, FINANCE, BANK)

# action -> (departments allowed, minimum role)
POLICY: dict[str, tuple[tuple[str, ...] | str, str]] = {
    # organization: committee, establishment, leadership, tree, members
    "committees.read": (ANY, "viewer"),
    "committees.write": ((LEAGUE,), "editor"),
    # approval and leadership changes: the county League committee (团县委) alone (seed 二.4③)
    "committees.approve": ((LEAGUE,), "admin"),
    "units.read": (ANY, "viewer"),
    "units.write": ((LEAGUE,), "editor"),
    "members.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "members.write": ((LEAGUE,), "editor"),
    "transfers.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "transfers.write": ((LEAGUE,), "editor"),
    "cooperatives.read": (ANY, "viewer"),
    "cooperatives.write": ((LEAGUE, AGRICULTURE, SUPPLY_COOP, ECONOMIC), "editor"),
    "coverage.read": ((LEAGUE, ORGANIZATION, AGRICULTURE, SUPPLY_COOP, ECONOMIC, COMMERCE, TAX),
                      "viewer"),
    # activities and meetings
    "activities.read": (ANY, "viewer"),
    "activities.write": ((LEAGUE,), "editor"),
    "meetings.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "meetings.write": ((LEAGUE,), "editor"),
    # funds, dues, credit, partners
    "funds.read": ((LEAGUE, FINANCE, ECONOMIC), "viewer"),
    "funds.write": ((LEAGUE,), "editor"),
    "dues.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "dues.write": ((LEAGUE,), "editor"),
    "credit.read": ((LEAGUE, FINANCE, BANK, SUPPLY_COOP), "viewer"),
    "credit.write": ((LEAGUE,), "editor"),  # recommendations of applicants by a unit
    "partners.admin": ((LEAGUE,), "admin"),
    # young entrepreneurs (personal data: the League only) and their credit applications;
    # the monthly figures per bank are `credit.read`
    "entrepreneurs.read": ((LEAGUE,), "viewer"),
    "entrepreneurs.write": ((LEAGUE,), "editor"),
    "applications.read": ((LEAGUE,), "viewer"),
    "applications.write": ((LEAGUE,), "editor"),  # submit, the unit's pre-check
    # the working committee's recommendation and the sending to the bank: a unit-scoped token
    # reaches it only when its scope holds the working committee (the unit of the step)
    "applications.recommend": ((LEAGUE,), "editor"),
    # assessment
    "commitments.read": (ANY, "viewer"),
    "commitments.write": ((LEAGUE,), "editor"),
    "commitments.moderate": ((LEAGUE,), "editor"),
    "assessments.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "assessments.write": ((LEAGUE,), "editor"),
    "recommendations.read": ((LEAGUE, ORGANIZATION), "viewer"),
    "recommendations.write": ((LEAGUE,), "editor"),
    # services of the member departments: a League unit asks, the routed department answers
    # (the org service refuses, 403, a department the request is not routed to)
    "service_requests.read": (ANY, "viewer"),
    "service_requests.write": ((LEAGUE,), "editor"),
    "service_requests.handle": (MEMBER_DEPARTMENTS, "editor"),
    # trainings the science and technology bureau runs, recorded as activities
    "trainings.write": ((SCIENCE_TECH,), "editor"),
    # issue 12: the organization department records the Party's decision on a 推优
    "recommendations.decide": ((ORGANIZATION,), "editor"),
    # combined views, audit, feed (exports use the read action of the list they export)
    "dashboard.read": (ANY, "viewer"),
    "departments.read": (ANY, "viewer"),
    "audit.read": ((LEAGUE, ORGANIZATION), "admin"),
    "events.read": (ANY, "viewer"),
    # the console: the signed-in person, accounts
    "session.login": (ANY, "viewer"),  # the routes themselves take no token
    "session.read": (ANY, "viewer"),
    "public.read": (ANY, "viewer"),  # the public letter pages take no token
    "users.admin": ((LEAGUE,), "admin"),
    # personal information (PIPL): a person's copy and erasure
    "people.export": ((LEAGUE,), "admin"),
    "people.erase": ((LEAGUE,), "admin"),
}

# Actions a token with a unit scope may not use, whatever its role: they are about the whole
# county (partner administration lists every partner, dead letters carry the USCCs of
# cooperatives outside any one scope; the accounts are the county's, of every department).
COUNTY_WIDE_ONLY = frozenset({"partners.admin", "users.admin"})
# Actions only their own department's token may take, not even the League committee's admins:
# the Party's decision on a 推优 is the organization department's (issue 12).
OWN_DEPARTMENT_ONLY = frozenset({"recommendations.decide"})


DESCRIPTIONS: dict[str, str] = {
    "committees.read": "the working committee, its establishment steps, member units, leadership",
    "committees.write": "create the committee, record establishment steps, appoint and remove",
    "committees.approve": "approve the establishment and the leadership",
    "units.read": "the League tree: units, their warnings, the tree at a date, overviews",
    "units.write": "create, rename, move, merge, dissolve units",
    "members.read": "League members and young people (ID numbers and phones masked), rosters",
    "members.write": "register members, roles, leaving",
    "transfers.read": "transfers between units",
    "transfers.write": "request, approve, reject transfers",
    "cooperatives.read": "cooperatives and their League-building recommendation",
    "cooperatives.write": "register and update cooperatives",
    "coverage.read": "League-building coverage of the cooperatives",
    "activities.read": "activities, unified activities, work menus, visits, calendars, statistics",
    "activities.write": "plan, hold, cancel activities; menus, visits, channels",
    "meetings.read": "regular meetings held and who is overdue (compliance)",
    "meetings.write": "record meetings",
    "funds.read": "funds ledgers, venues, reports and settlements",
    "funds.write": "pledges, receipts, allocations, expenses, venues",
    "dues.read": "League dues, arrears, remittances and rebates",
    "dues.write": "record dues payments and remittances",
    "credit.read": "bank credit grants, loans, overdue lists",
    "credit.write": "recommend applicants for credit",
    "partners.admin": "partner onboarding, dead letters and their replay",
    "entrepreneurs.read": "the register of young entrepreneurs (ID numbers and phones masked)",
    "entrepreneurs.write": "register young entrepreneurs (under 35) of cooperatives",
    "applications.read": "credit applications of young entrepreneurs and their steps",
    "applications.write": "submit credit applications, the League unit's pre-check",
    "applications.recommend": "the working committee's recommendation, sending to the bank",
    "commitments.read": "commitment letters (published ones are public) and accepted comments",
    "commitments.write": "draft, submit, publish, amend letters and report progress",
    "commitments.moderate": "accept or reject the public's comments",
    "assessments.read": "assessment rounds, scores, grades and results",
    "assessments.write": "open rounds, submit scores, grade, report results",
    "recommendations.read": "recommendations for Party membership, awards, training",
    "recommendations.write": "propose recommendations, record votes and outcomes",
    "service_requests.read": "service requests to the member departments, overdue lists",
    "service_requests.write": "submit a service request for a cooperative or young entrepreneur",
    "service_requests.handle": "accept, answer and close the requests routed to the department",
    "trainings.write": "record the trainings the department runs (as activities)",
    "recommendations.decide": "record the Party's decision on a recommendation for Party "
                              "membership (the organization department)",
    "dashboard.read": "the county dashboard (only the sections the caller may read)",
    "departments.read": "a department's view (only the sections the caller may read)",
    "audit.read": "who did what and when, refused requests",
    "events.read": "the ordered event feed (only events of resources the caller may read)",
    "session.login": "sign in, refresh the session, sign out, the vocabulary (no token needed)",
    "session.read": "the signed-in person and the actions allowed to them",
    "public.read": "a published commitment letter and comments on it (no token needed)",
    "users.admin": "console accounts: create, disable, reset passwords",
    "people.export": "everything the platform holds about one person (PIPL Art. 45)",
    "people.erase": "erase a person's personal data in every service (PIPL Art. 47)",
}


def allowed(principal: Principal, action: str) -> bool:
    rule = POLICY.get(action)
    if rule is None:
        return False
    if action in COUNTY_WIDE_ONLY and principal.unit is not None:
        return False
    if principal.role == "admin" and principal.department == LEAGUE and (
            action not in OWN_DEPARTMENT_ONLY):
        return True
    departments, minimum = rule
    if departments != ANY and principal.department not in departments:
        return False
    return RANK[principal.role] >= RANK[minimum]


def allowed_actions(principal: Principal) -> list[str]:
    return sorted(a for a in POLICY if allowed(principal, a))


def markdown() -> str:
    """docs/access.md, generated from the table (`python -m gateway.policy > docs/access.md`)."""
    from gateway.auth import DEPARTMENTS

    lines = [
        "# Access: who may do what",
        "",
        "Generated from `gateway/policy.py` (`python -m gateway.policy > docs/access.md`);",
        "a test fails when this page and the table differ. Every route names one action and",
        "the gateway refuses (403) a token whose department and role the action does not",
        "allow, before anything else runs. Roles rank viewer < editor < admin: a rule names",
        "the lowest role it needs. The league committee's admins may do everything.",
        "",
        "Unit scope comes on top: a token with a `unit` claim sees that unit and its",
        "descendants only. An object outside the scope answers 404, as if it did not exist;",
        "lists, the dashboard, overviews, exports, the audit trail and the event feed leave",
        "such objects out. Combined views leave out the sections the caller may not read",
        "(they are named in `withheld`); the event feed and the audit trail leave out events",
        "of resources the caller may not read.",
        "",
        "County-wide guidance is the one exception: the committee's yearly work menus",
        "(`/work-menus`) are visible to every unit, since units adopt their items; the",
        "adoptions a scoped token sees are only those of units in its scope. The committee",
        "itself (its establishment and leadership) is in scope only with its root unit.",
        "",
        "| action | departments | lowest role | what |",
        "|---|---|---|---|",
    ]
    for action, (departments, role) in POLICY.items():
        who = "any" if departments == ANY else ", ".join(departments)
        lines.append(f"| `{action}` | {who} | {role} | {DESCRIPTIONS.get(action, '')} |")
    lines += ["", "## Events", "",
              "An event in the feed (`/events`) and the audit trail (`/audit`) is shown to a "
              "caller allowed the read action of its stream, and, for a scoped token, only "
              "when it mentions a unit in scope (see docs/gateway.md).", "",
              "Every event type is mapped explicitly (`gateway/event_actions.py`); an unmapped "
              "type falls under `audit.read` and a test fails.", "",
              "| source | action | event types |", "|---|---|---|"]
    for source, table in EVENT_ACTIONS.items():
        by_action: dict[str, list[str]] = {}
        for event_type, action in table.items():
            by_action.setdefault(action, []).append(event_type)
        for action, types in by_action.items():
            lines.append(f"| {source} | `{action}` | {', '.join(sorted(types))} |")
    lines += ["", "Actions only a county-wide token (without a `unit` claim) may use: "
              + ", ".join(f"`{a}`" for a in sorted(COUNTY_WIDE_ONLY)) + "."]
    lines += ["", "## By department", "",
              "What a department's admin may do (an editor or viewer of the same department "
              "has the actions whose lowest role they reach).", ""]
    for department in DEPARTMENTS:
        admin = Principal("doc", department, "admin")
        actions = ", ".join(f"`{a}`" for a in allowed_actions(admin))
        lines.append(f"- **{department}**: {actions}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
