"""The org service: committee, League tree, cooperatives, members (nameko).

Decisions (docs/org.md): a committee and its working-committee root unit are created together
and share one id; unit scope (`scope`, the unit ids a caller may see) applies to units,
members, transfers and cooperatives (those covered by a visible unit); nothing personal is
logged and resident ids and phones leave this service masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from nameko.timer import timer

from eventkit import clock, config, logs, pagination, validation
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.nameko_ext import EventSourcing, FeedMixin, command, jsonable
from eventkit.uow import Tx
from eventkit.validation import load
from services.org import queries as q
from services.org.contract import enums, schemas
from services.org.contract.events import registry
from services.org.domain import history
from services.org.domain.committee import Committee
from services.org.domain.cooperative import Cooperative, figure_warnings
from services.org.domain.cooperative import league_building_recommendation as recommend
from services.org.domain.member import Member
from services.org.domain.tree_rules import check_accepts_children
from services.org.domain.unit import Unit
from services.org.projections import COOP_COLUMNS, projector

log = logs.get("org")

COOP_SELECT = (
    "SELECT id, " + ", ".join(COOP_COLUMNS) + ", registered_at, updated_at, version"
    " FROM cooperatives"
)
COOP_KEYS = ["id", *COOP_COLUMNS, "registered_at", "updated_at", "version"]
AGE_OUT_INTERVAL = config.env_float("ORG_AGE_OUT_INTERVAL_SECONDS", 86400.0)

# Establishment steps over the API: path segment -> (request schema, Committee method).
STEPS: dict[str, tuple[type, str]] = {
    "survey": (schemas.SurveyIn, "record_survey"),
    "plan": (schemas.PlanIn, "draft_plan"),
    "coordination": (schemas.CoordinationIn, "record_coordination"),
    "preparatory-group": (schemas.PreparatoryGroupIn, "form_preparatory_group"),
    "establishment-request": (schemas.DatedIn, "request_establishment"),
    "approval": (schemas.ApprovalIn, "approve_establishment"),
    "founding-conference": (schemas.FoundingConferenceIn, "hold_founding_conference"),
}


def _coop_row(row) -> dict[str, Any]:
    coop = jsonable(dict(zip(COOP_KEYS, row, strict=True)))
    coop["warnings"] = figure_warnings(coop)
    return coop


def _load_coop(cur, coop_id: str) -> dict[str, Any] | None:
    cur.execute(COOP_SELECT + " WHERE id = %s", (coop_id,))
    row = cur.fetchone()
    if row is None:
        return None
    coop = _coop_row(row)
    coop["covering_unit_ids"] = q.covering_units(cur, coop_id)
    cur.execute(f"SELECT {q.HAS_LEAGUE_ORG} FROM cooperatives c WHERE c.id = %s",
                (q.LEAGUE_ORG_KINDS, coop_id))
    coop["has_league_org"] = cur.fetchone()[0]
    return coop


_new_id = clock.new_id


class OrgService(FeedMixin):
    name = "org"
    es = EventSourcing("org", registry, projector)

    # a unique index refusing a racing duplicate: named in the kernel's 409 (mapped_errors)
    unique_constraints = {"members_resident_id_key": "a member with this resident ID number",
                          "cooperatives_uscc_key": "a cooperative with this USCC",
                          "committees_county_code_key": "a committee for this county code"}

    def _run(self, handle: Callable[[Tx], Any], command_id: str | None) -> Any:
        return self.es.run(handle, command_id)

    def _scope_of_unit(self, cur, unit_id: str, scope: list[str] | None,
                       field: str | None = None) -> None:
        """404 (or 422 on `field`) for a unit that does not exist or is outside scope."""
        validation.require_in_scope(unit_id, scope, field)
        q.unit_facts(cur, unit_id, field)

    # -- cooperatives ----------------------------------------------------------------
    @command
    def register_cooperative(self, payload: dict, command_id: str | None = None) -> dict:
        fields = load(schemas.CooperativeIn(), payload)

        def handle(tx: Tx) -> dict:
            tx.cur.execute("SELECT id FROM cooperatives WHERE uscc = %s",
                           (fields["uscc"].upper(),))
            clash = tx.cur.fetchone()
            if clash:
                raise RuleViolation("a cooperative with this USCC is already registered",
                                    {"uscc": fields["uscc"], "existing_id": clash[0]})
            coop = tx.add(Cooperative(_new_id()))
            coop.register(**fields)
            return {"id": coop.id}

        result = self._run(handle, command_id)
        return self.get_cooperative(result["id"])

    @command
    def update_cooperative(self, coop_id: str, payload: dict,
                           command_id: str | None = None, scope: list[str] | None = None
                           ) -> dict:
        changes = load(schemas.CooperativeUpdate(), payload)
        self.get_cooperative(coop_id, scope)

        def handle(tx: Tx) -> dict:
            coop = tx.get(Cooperative, coop_id, "cooperative")
            if "uscc" in changes:
                tx.cur.execute("SELECT id FROM cooperatives WHERE uscc = %s AND id <> %s",
                               (changes["uscc"].upper(), coop_id))
                if tx.cur.fetchone():
                    raise RuleViolation("a cooperative with this USCC is already registered",
                                        {"uscc": changes["uscc"]})
            coop.update(**changes)
            return {"id": coop.id}

        self._run(handle, command_id)
        return self.get_cooperative(coop_id, scope)

    @command
    def get_cooperative(self, coop_id: str, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict[str, Any] | None:
            if scope is not None and coop_id not in q.scoped_cooperative_ids(cur, scope):
                return None
            return _load_coop(cur, coop_id)

        coop = self.es.read(query)
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not found")
        return coop

    @command
    def list_cooperatives(self, filters: dict | None = None, limit: int = 50,
                          cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        where, args = [], []
        for key in ("industry_category", "township"):
            if filters.get(key):
                where.append(f"{key} = %s")
                args.append(filters[key])
        if filters.get("league_org_present") is not None:
            where.append("league_org_present = %s")
            args.append(bool(filters["league_org_present"]))
        if after:
            where.append("id > %s")
            args.append(after)

        def query(cur) -> list[dict]:
            conds, params = list(where), list(args)
            if filters.get("has_league_org") is not None:
                conds.append(q.has_league_org_sql("cooperatives") + " = %s")
                params += [q.LEAGUE_ORG_KINDS, bool(filters["has_league_org"])]
            if scope is not None:
                conds.append("id = ANY(%s)")
                params.append(q.scoped_cooperative_ids(cur, scope))
            sql = COOP_SELECT + (" WHERE " + " AND ".join(conds) if conds else "")
            cur.execute(sql + " ORDER BY id LIMIT %s", (*params, limit + 1))
            rows = [_coop_row(r) for r in cur.fetchall()]
            covering = q.covering_units_of(cur, [c["id"] for c in rows])
            for coop in rows:
                units = covering[coop["id"]]
                coop["covering_unit_ids"] = [unit_id for unit_id, _, _ in units]
                coop["has_league_org"] = coop["league_org_present"] or any(
                    kind in q.LEAGUE_ORG_KINDS and constituted for _, kind, constituted in units)
            return rows

        return pagination.page(self.es.read(query), limit)

    @command
    def league_building(self, coop_id: str, scope: list[str] | None = None) -> dict:
        coop = self.get_cooperative(coop_id, scope)
        facts = SimpleNamespace(
            members=coop["members"], young_people_under_35=coop["young_people_under_35"],
            league_members=coop["league_members"], league_org_present=coop["has_league_org"])
        return {"cooperative_id": coop_id, **recommend(facts, q.POLICY),
                "policy_version": q.POLICY.version,
                "has_league_org": coop["has_league_org"],
                "covering_unit_ids": coop["covering_unit_ids"]}

    @command
    def coverage_report(self, scope: list[str] | None = None) -> dict:
        return self.es.read(lambda cur: q.coverage(cur, scope))

    # -- committees ------------------------------------------------------------------
    @command
    def create_committee(self, payload: dict, command_id: str | None = None) -> dict:
        data = load(schemas.CommitteeIn(), payload)
        on = q.day(data.pop("on"))

        def handle(tx: Tx) -> dict:
            tx.cur.execute("SELECT id FROM committees WHERE county_code = %s",
                           (data["county_code"],))
            clash = tx.cur.fetchone()
            if clash:
                raise RuleViolation("a committee for this county code exists",
                                    {"county_code": data["county_code"], "existing_id": clash[0]})
            cid = _new_id()
            committee = tx.add(Committee(cid))
            committee.create(**data)
            root = tx.add(Unit(cid))
            root.create(name=data["name"], kind="working_committee", parent=None, on=on)
            return {"id": cid}

        result = self._run(handle, command_id)
        return self.get_committee(result["id"])

    @command
    def get_committee(self, committee_id: str, scope: list[str] | None = None) -> dict:
        """A committee is in scope when its root unit (same id) is: a token scoped to a branch
        does not see the county's committee and leadership."""
        committee = None
        if scope is None or committee_id in scope:
            committee = self.es.read(lambda cur: q.load_committee(cur, committee_id))
        if committee is None:
            raise NotFound(f"committee {committee_id} not found")
        return committee

    @command
    def list_committees(self, limit: int = 50, cursor: str | None = None,
                        scope: list[str] | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)

        def query(cur) -> list[dict]:
            if scope is None:
                cur.execute(q.COMMITTEE_SELECT + " WHERE id > %s ORDER BY id LIMIT %s",
                            (after or "", limit + 1))
            else:
                cur.execute(q.COMMITTEE_SELECT + " WHERE id > %s AND id = ANY(%s)"
                            " ORDER BY id LIMIT %s", (after or "", list(scope), limit + 1))
            return [q.committee_view(r) for r in cur.fetchall()]

        return pagination.page(self.es.read(query), limit)

    def _committee_command(self, committee_id: str, command_id: str | None,
                           scope: list[str] | None, act: Callable[[Tx, Committee], None]
                           ) -> dict:
        if scope is not None and committee_id not in scope:
            raise NotFound(f"committee {committee_id} not found")

        def handle(tx: Tx) -> dict:
            act(tx, tx.get(Committee, committee_id, "committee"))
            return {"id": committee_id}

        self._run(handle, command_id)
        return self.get_committee(committee_id)

    @command
    def committee_step(self, committee_id: str, step: str, payload: dict,
                       command_id: str | None = None, scope: list[str] | None = None) -> dict:
        if step not in STEPS:
            raise NotFound(f"no establishment step {step}")
        schema, method = STEPS[step]
        data = load(schema(), payload)
        data["on"] = q.day(data["on"])
        for key in ("meeting_date",):
            if data.get(key) is not None:
                data[key] = q.day(data[key], key)
        return self._committee_command(
            committee_id, command_id, scope,
            lambda tx, c: getattr(c, method)(**data))

    @command
    def add_member_unit(self, committee_id: str, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        data = load(schemas.MemberUnitIn(), payload)
        return self._committee_command(
            committee_id, command_id, scope,
            lambda tx, c: c.add_member_unit(_new_id(), data["name"], data["department_type"]))

    @command
    def remove_member_unit(self, committee_id: str, member_unit_id: str,
                           command_id: str | None = None, scope: list[str] | None = None
                           ) -> dict:
        def act(tx: Tx, c: Committee) -> None:
            if member_unit_id not in c.member_units:
                raise NotFound(f"member unit {member_unit_id} not found")
            c.remove_member_unit(member_unit_id)

        return self._committee_command(committee_id, command_id, scope, act)

    @command
    def appoint(self, committee_id: str, post: str, payload: dict,
                command_id: str | None = None, scope: list[str] | None = None) -> dict:
        schema = {"secretary": schemas.SecretaryIn,
                  "deputy_secretary": schemas.DeputySecretaryIn,
                  "committee_member": schemas.CommitteeMemberIn}.get(post)
        if schema is None:
            raise NotFound(f"no leadership post {post}")
        data = load(schema(), payload)
        data["on"] = q.day(data["on"])
        data["person_id"] = data.get("person_id") or _new_id()

        def act(tx: Tx, c: Committee) -> None:
            if post == "committee_member" and data.get("cooperative_id"):
                q.cooperative_industries(tx.cur, [data["cooperative_id"]], "cooperative_id")
            getattr(c, f"appoint_{post}")(**data)

        return self._committee_command(committee_id, command_id, scope, act)

    @command
    def remove_leader(self, committee_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        data = load(schemas.RemovalIn(), payload)
        on = q.day(data["on"])
        return self._committee_command(
            committee_id, command_id, scope,
            lambda tx, c: getattr(c, f"remove_{data['post']}")(data["person_id"], on))

    # -- units -----------------------------------------------------------------------
    @command
    def unit_subtree_ids(self, unit_id: str) -> list[str]:
        def query(cur) -> list[str]:
            q.unit_facts(cur, unit_id)
            return q.subtree_ids(cur, [unit_id])

        return self.es.read(query)

    @command
    def create_unit(self, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        data = load(schemas.UnitIn(), payload)
        on = q.day(data.pop("on"))
        if data["kind"] == "working_committee":
            raise InvalidInput.field(
                "kind", "the working committee is created with its committee (POST /committees)")

        def handle(tx: Tx) -> dict:
            self._scope_of_unit(tx.cur, data["parent_id"], scope, "parent_id")
            parent = q.unit_facts(tx.cur, data.pop("parent_id"), "parent_id")
            q.check_committee_approved(tx.cur, parent.committee_id)
            industries = q.cooperative_industries(tx.cur, data["cooperative_ids"])
            unit = tx.add(Unit(_new_id()))
            unit.create(parent=parent, on=on, cooperative_industries=industries, **data)
            return {"id": unit.id}

        result = self._run(handle, command_id)
        return self.get_unit(result["id"])

    @command
    def get_unit(self, unit_id: str, scope: list[str] | None = None) -> dict:
        q.check_scope(scope, unit_id, "unit", unit_id)
        unit = self.es.read(lambda cur: q.unit_view(cur, unit_id))
        if unit is None:
            raise NotFound(f"unit {unit_id} not found")
        return unit

    @command
    def list_units(self, filters: dict | None = None, limit: int = 50,
                   cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        where, args = [], []
        for key in ("kind", "parent_id", "committee_id", "township", "status", "industry",
                    "professional_committee_id", "management"):
            if filters.get(key):
                where.append(f"{key} = %s")
                args.append(filters[key])
        if filters.get("cooperative_id"):
            where.append("cooperative_ids ? %s")
            args.append(filters["cooperative_id"])
        if scope is not None:
            where.append("id = ANY(%s)")
            args.append(scope)
        if after:
            where.append("id > %s")
            args.append(after)
        sql = q.UNIT_SELECT + (" WHERE " + " AND ".join(where) if where else "")

        def query(cur) -> list[dict]:
            cur.execute(sql + " ORDER BY id LIMIT %s", (*args, limit + 1))
            return q.unit_views(cur, cur.fetchall())

        return pagination.page(self.es.read(query), limit)

    def _unit_command(self, unit_id: str, command_id: str | None, scope: list[str] | None,
                      act: Callable[[Tx, Unit], None]) -> dict:
        q.check_scope(scope, unit_id, "unit", unit_id)

        def handle(tx: Tx) -> dict:
            act(tx, tx.get(Unit, unit_id, "unit"))
            return {"id": unit_id}

        self._run(handle, command_id)
        return self.get_unit(unit_id)

    @command
    def rename_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        data = load(schemas.RenameIn(), payload)
        on = q.day(data["on"])
        return self._unit_command(unit_id, command_id, scope,
                                  lambda tx, u: u.rename(data["name"], on) and None)

    @command
    def move_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                  scope: list[str] | None = None) -> dict:
        data = load(schemas.MoveIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, unit: Unit) -> None:
            self._scope_of_unit(tx.cur, data["parent_id"], scope, "parent_id")
            parent = q.unit_facts(tx.cur, data["parent_id"], "parent_id")
            self._same_committee(tx.cur, unit.id, parent.id)
            unit.move(parent, q.ancestor_ids(tx.cur, parent.id), on,
                      q.cooperative_industries(tx.cur, unit.cooperative_ids))

        return self._unit_command(unit_id, command_id, scope, act)

    @staticmethod
    def _same_committee(cur, unit_id: str, other_id: str) -> None:
        cur.execute("SELECT count(DISTINCT committee_id) FROM units WHERE id = ANY(%s)",
                    ([unit_id, other_id],))
        if cur.fetchone()[0] != 1:
            raise RuleViolation("the units belong to different committees",
                                {"rule": "other_committee"})

    @command
    def merge_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        """Merge `unit_id` into the target: its active children and members move there."""
        data = load(schemas.MergeIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, unit: Unit) -> None:
            target_id = data["target_unit_id"]
            self._scope_of_unit(tx.cur, target_id, scope, "target_unit_id")
            target = q.unit_facts(tx.cur, target_id, "target_unit_id")
            self._same_committee(tx.cur, unit.id, target.id)
            target_ancestors = q.ancestor_ids(tx.cur, target_id)
            unit.merge_into(target, target_ancestors, on)
            tx.cur.execute("SELECT id FROM units WHERE parent_id = %s AND status = 'active'"
                           " ORDER BY id", (unit.id,))
            for (child_id,) in tx.cur.fetchall():
                child = tx.get(Unit, child_id, "unit")
                child.move(target, [target_id, *target_ancestors], on,
                           q.cooperative_industries(tx.cur, child.cooperative_ids))
            tx.cur.execute("SELECT id FROM members WHERE unit_id = %s AND status = 'active'"
                           " ORDER BY id", (unit.id,))
            for (member_id,) in tx.cur.fetchall():
                tx.get(Member, member_id, "member").reassign(
                    target_id, on, f"unit {unit.id} merged into {target_id}")

        return self._unit_command(unit_id, command_id, scope, act)

    @command
    def dissolve_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        data = load(schemas.DissolveIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, unit: Unit) -> None:
            if unit.kind == "working_committee":
                raise RuleViolation("the working committee is not dissolved here",
                                    {"rule": "root"})
            tx.cur.execute("SELECT count(*) FROM units WHERE parent_id = %s"
                           " AND status = 'active'", (unit.id,))
            children = tx.cur.fetchone()[0]
            tx.cur.execute("SELECT count(*) FROM members WHERE unit_id = %s"
                           " AND status = 'active'", (unit.id,))
            unit.dissolve(data["reason"], on, children, tx.cur.fetchone()[0])

        return self._unit_command(unit_id, command_id, scope, act)

    @command
    def change_unit_coverage(self, unit_id: str, payload: dict, command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        data = load(schemas.CoverageIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, unit: Unit) -> None:
            parent = q.unit_facts(tx.cur, unit.parent_id) if unit.parent_id else None
            unit.change_coverage(data["cooperative_ids"],
                                 q.cooperative_industries(tx.cur, data["cooperative_ids"]),
                                 parent, on)

        return self._unit_command(unit_id, command_id, scope, act)

    @command
    def elect_unit_committee(self, unit_id: str, payload: dict, command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        data = load(schemas.ElectionIn(), payload)
        on = q.day(data["on"])
        years = data["term_years"] or q.POLICY.branch_term_years
        return self._unit_command(
            unit_id, command_id, scope,
            lambda tx, u: u.elect_committee(on, years, data["secretary"]))

    @command
    def list_elections_overdue(self, scope: list[str] | None = None) -> dict:
        return {"items": self.es.read(lambda cur: q.elections_overdue(cur, scope)),
                "default_term_years": q.POLICY.branch_term_years}

    @command
    def change_unit_management(self, unit_id: str, payload: dict,
                               command_id: str | None = None, scope: list[str] | None = None
                               ) -> dict:
        data = load(schemas.ManagementIn(), payload)
        on = q.day(data.pop("on"))
        return self._unit_command(unit_id, command_id, scope,
                                  lambda tx, u: u.change_management(on=on, **data))

    @command
    def set_unit_group_functions(self, unit_id: str, payload: dict,
                                 command_id: str | None = None,
                                 scope: list[str] | None = None) -> dict:
        data = load(schemas.GroupFunctionsIn(), payload)
        on = q.day(data["on"])
        return self._unit_command(unit_id, command_id, scope,
                                  lambda tx, u: u.set_group_functions(data["group_functions"],
                                                                      on))

    @command
    def unit_tree(self, unit_id: str, as_of: str | None = None,
                  scope: list[str] | None = None) -> dict:
        """The subtree as it stood at the end of `as_of` (default today), from the events."""
        q.check_scope(scope, unit_id, "unit", unit_id)
        self.get_unit(unit_id)
        try:
            when = dt.date.fromisoformat(as_of) if as_of else q.today()
        except ValueError as exc:
            raise InvalidInput.field("as_of", "must be a date (YYYY-MM-DD)") from exc
        types = [*history.UNIT_EVENTS, *history.MEMBER_EVENTS]
        events: list[history.HistoryEvent] = []
        after = 0
        while True:
            batch = self.es.read_feed(after, 5000, types)
            events += [(e["type"], e["stream_id"].split("-", 1)[1], e["data"], e["position"])
                       for e in batch]
            if len(batch) < 5000:
                break
            after = batch[-1]["position"]
        root = history.tree_as_of(events, unit_id, when)
        if scope is not None:
            _prune(root, set(scope))
        return {"as_of": when.isoformat(), "root": root}

    # -- members ---------------------------------------------------------------------
    @command
    def register_member(self, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        data = load(schemas.MemberIn(), payload)

        def handle(tx: Tx) -> dict:
            self._scope_of_unit(tx.cur, data["unit_id"], scope, "unit_id")
            unit = q.unit_facts(tx.cur, data["unit_id"], "unit_id")
            check_accepts_children(unit)
            q.check_committee_approved(tx.cur, unit.committee_id)
            if data.get("cooperative_id"):
                q.cooperative_industries(tx.cur, [data["cooperative_id"]], "cooperative_id")
            number = str(data["resident_id"]).strip().upper()
            tx.cur.execute("SELECT id FROM members WHERE resident_id = %s", (number,))
            clash = tx.cur.fetchone()
            if clash:
                # the existing id only: the number itself is never echoed back
                raise RuleViolation("a member with this resident ID number is registered",
                                    {"rule": "duplicate", "existing_id": clash[0]})
            member = tx.add(Member(_new_id()))
            member.register(registered_on=q.today(), **data)
            return {"id": member.id}

        result = self._run(handle, command_id)
        return self.get_member(result["id"])

    @command
    def get_member(self, member_id: str, scope: list[str] | None = None) -> dict:
        member = self.es.read(lambda cur: q.member_view(cur, member_id))
        if member is None or (scope is not None and member["unit_id"] not in scope):
            raise NotFound(f"member {member_id} not found")
        return member

    @command
    def list_members(self, filters: dict | None = None, limit: int = 50,
                     cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)

        def query(cur) -> list[dict]:
            where, args = [], []
            for key in ("status", "kind", "cooperative_id", "sex"):
                if filters.get(key):
                    where.append(f"m.{key} = %s")
                    args.append(filters[key])
            unit_id = filters.get("unit_id")
            if unit_id:
                q.check_scope(scope, unit_id, "unit", unit_id)
                q.unit_facts(cur, unit_id)
                units = (q.subtree_ids(cur, [unit_id]) if filters.get("descendants")
                         else [unit_id])
                where.append("m.unit_id = ANY(%s)")
                args.append(units)
            if scope is not None:
                where.append("m.unit_id = ANY(%s)")
                args.append(scope)
            if after:
                where.append("m.id > %s")
                args.append(after)
            sql = q.MEMBER_SELECT + (" WHERE " + " AND ".join(where) if where else "")
            cur.execute(sql + " ORDER BY m.id LIMIT %s", (*args, limit + 1))
            return q.member_views(cur, cur.fetchall())

        return pagination.page(self.es.read(query), limit)

    @command
    def member_counts(self, unit_id: str, descendants: bool = True,
                      scope: list[str] | None = None) -> dict:
        q.check_scope(scope, unit_id, "unit", unit_id)

        def query(cur) -> dict:
            q.unit_facts(cur, unit_id)
            units = q.subtree_ids(cur, [unit_id]) if descendants else [unit_id]
            counts = q.counts_by(cur, units)
            return {"unit_id": unit_id, "descendants": bool(descendants),
                    "total": sum(counts["by_status"].values()), **counts}

        return self.es.read(query)

    def _member_command(self, member_id: str, command_id: str | None, scope: list[str] | None,
                        act: Callable[[Tx, Member], None]) -> dict:
        self.get_member(member_id, scope)

        def handle(tx: Tx) -> dict:
            act(tx, tx.get(Member, member_id, "member"))
            return {"id": member_id}

        self._run(handle, command_id)
        return self.get_member(member_id)

    @command
    def assign_role(self, member_id: str, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        data = load(schemas.RoleIn(), payload)

        def act(tx: Tx, member: Member) -> None:
            unit_id = data["unit_id"] or member.unit_id
            self._scope_of_unit(tx.cur, unit_id, scope, "unit_id")
            check_accepts_children(q.unit_facts(tx.cur, unit_id, "unit_id"))
            member.assign_role(_new_id(), data["role"], unit_id, data["start"], data["end"])

        return self._member_command(member_id, command_id, scope, act)

    @command
    def end_role(self, member_id: str, role_id: str, payload: dict,
                 command_id: str | None = None, scope: list[str] | None = None) -> dict:
        data = load(schemas.RoleEndIn(), payload)

        def act(tx: Tx, member: Member) -> None:
            if role_id not in member.roles:
                raise NotFound(f"role {role_id} not found")
            member.end_role(role_id, data["end"])

        return self._member_command(member_id, command_id, scope, act)

    @command
    def member_leave(self, member_id: str, payload: dict, command_id: str | None = None,
                     scope: list[str] | None = None) -> dict:
        data = load(schemas.LeaveIn(), payload)
        on = q.day(data["on"])
        return self._member_command(member_id, command_id, scope,
                                    lambda tx, m: m.leave(on, data["reason"]))

    # -- over-age --------------------------------------------------------------------
    @timer(interval=AGE_OUT_INTERVAL, eager=True)
    def age_out_daily(self) -> None:
        result = self._age_out(q.today())
        log.info("over-age run", as_of=result["as_of"], checked=result["checked"],
                 aged_out=len(result["aged_out"]))

    @command
    def self_lapse_candidates(self, as_of: str | None = None) -> dict:
        when = q.day(as_of, "as_of")
        return {"as_of": when.isoformat(),
                "member_ids": self.es.read(lambda cur: q.self_lapse_candidates(cur, when))}

    @command
    def run_self_lapse(self, as_of: str, last_dues: dict, last_life: dict) -> dict:
        """Open the 自行脱团 procedure for every candidate the rule finds due, given each
        one's last dues month (funding) and last organizational life (activities)."""
        when = q.day(as_of, "as_of")
        months = q.POLICY.self_lapse_months
        started: list[str] = []
        for member_id in self.es.read(lambda cur: q.self_lapse_candidates(cur, when)):
            life = last_life.get(member_id)

            def handle(tx: Tx, member_id: str = member_id, life: str | None = life) -> bool:
                return tx.get(Member, member_id, "member").start_self_lapse(
                    when, last_dues.get(member_id),
                    dt.date.fromisoformat(life) if life else None, months)

            if self.es.run(handle):
                started.append(member_id)
        return {"as_of": when.isoformat(), "months": months, "started": started}

    @command
    def decide_self_lapse(self, member_id: str, payload: dict, command_id: str | None = None,
                          scope: list[str] | None = None) -> dict:
        data = load(schemas.SelfLapseDecisionIn(), payload)
        on = q.day(data["on"])
        self.get_member(member_id, scope)

        def handle(tx: Tx) -> dict:
            tx.get(Member, member_id, "member").decide_self_lapse(
                data["decision"], on, data["note"])
            return {"id": member_id}

        self._run(handle, command_id)
        return self.get_member(member_id, scope)

    @command
    def list_self_lapse(self, scope: list[str] | None = None) -> dict:
        return {"items": self.es.read(lambda cur: q.in_self_lapse(cur, scope))}

    @command
    def run_age_out(self, as_of: str | None = None) -> dict:
        """What the daily timer does, on demand (admins, tests); `as_of` defaults to today."""
        try:
            when = dt.date.fromisoformat(as_of) if as_of else q.today()
        except ValueError as exc:
            raise InvalidInput.field("as_of", "must be a date (YYYY-MM-DD)") from exc
        return self._age_out(when)

    def _age_out(self, when: dt.date) -> dict:
        """Idempotent: a member already out is no longer a candidate, and the aggregate
        decides again on its own stream (a racing replica gets a version conflict)."""
        def candidates(cur) -> list[str]:
            cur.execute("SELECT id FROM members WHERE kind = 'league_member'"
                        " AND status = 'active' AND birth_date <= (%s::date - interval"
                        " '28 years')::date ORDER BY id", (when,))
            return [r[0] for r in cur.fetchall()]

        ids = self.es.read(candidates)
        aged: list[str] = []
        for member_id in ids:
            def handle(tx: Tx, member_id: str = member_id) -> bool:
                return tx.get(Member, member_id, "member").age_out(when)

            if self.es.run(handle):
                aged.append(member_id)
        return {"as_of": when.isoformat(), "checked": len(ids), "aged_out": aged}

    # -- transfers -------------------------------------------------------------------
    @command
    def request_transfer(self, payload: dict, command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        """By the sending unit: the member's unit must be within the caller's scope."""
        data = load(schemas.TransferIn(), payload)
        on = q.day(data["on"])
        self.get_member(data["member_id"], scope)

        def handle(tx: Tx) -> dict:
            check_accepts_children(q.unit_facts(tx.cur, data["to_unit_id"], "to_unit_id"))
            member = tx.get(Member, data["member_id"], "member")
            self._same_committee(tx.cur, member.unit_id, data["to_unit_id"])
            transfer_id = _new_id()
            member.request_transfer(transfer_id, data["to_unit_id"], on)
            return {"id": transfer_id}

        result = self._run(handle, command_id)
        return self.get_transfer(result["id"])

    def _decide(self, transfer_id: str, command_id: str | None, scope: list[str] | None,
                act: Callable[[Tx, Member], None]) -> dict:
        transfer = self.get_transfer(transfer_id, scope)
        # The receiving unit decides.
        q.check_scope(scope, transfer["to_unit_id"], "transfer", transfer_id)

        def handle(tx: Tx) -> dict:
            act(tx, tx.get(Member, transfer["member_id"], "member"))
            return {"id": transfer_id}

        self._run(handle, command_id)
        return self.get_transfer(transfer_id)

    @command
    def approve_transfer(self, transfer_id: str, payload: dict, command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        data = load(schemas.TransferDecisionIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, member: Member) -> None:
            pending = member.pending_transfer or {}
            if pending.get("transfer_id") == transfer_id:
                check_accepts_children(q.unit_facts(tx.cur, pending["to_unit_id"]))
            member.approve_transfer(transfer_id, on)

        return self._decide(transfer_id, command_id, scope, act)

    @command
    def reject_transfer(self, transfer_id: str, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        data = load(schemas.TransferRejectIn(), payload)
        on = q.day(data["on"])
        return self._decide(transfer_id, command_id, scope,
                            lambda tx, m: m.reject_transfer(transfer_id, on, data["reason"]))

    @command
    def get_transfer(self, transfer_id: str, scope: list[str] | None = None) -> dict:
        transfer = self.es.read(lambda cur: q.load_transfer(cur, transfer_id))
        if transfer is None or (scope is not None and transfer["from_unit_id"] not in scope
                                and transfer["to_unit_id"] not in scope):
            raise NotFound(f"transfer {transfer_id} not found")
        return transfer

    @command
    def list_transfers(self, filters: dict | None = None, limit: int = 50,
                       cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        where, args = [], []
        for key in ("status", "member_id", "from_unit_id", "to_unit_id"):
            if filters.get(key):
                where.append(f"{key} = %s")
                args.append(filters[key])
        if filters.get("unit_id"):
            where.append("(from_unit_id = %s OR to_unit_id = %s)")
            args += [filters["unit_id"], filters["unit_id"]]
        if scope is not None:
            where.append("(from_unit_id = ANY(%s) OR to_unit_id = ANY(%s))")
            args += [scope, scope]
        if after:
            where.append("id > %s")
            args.append(after)
        sql = q.TRANSFER_SELECT + (" WHERE " + " AND ".join(where) if where else "")

        def query(cur) -> list[dict]:
            cur.execute(sql + " ORDER BY id LIMIT %s", (*args, limit + 1))
            return [q.transfer_view(r) for r in cur.fetchall()]

        return pagination.page(self.es.read(query), limit)

    # -- dashboard -------------------------------------------------------------------
    @command
    def dashboard_summary(self, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict:
            where, args = "", []
            if scope is not None:
                where, args = " AND id = ANY(%s)", [scope]
            cur.execute("SELECT kind, count(*) FROM units WHERE status = 'active'" + where
                        + " GROUP BY kind", args)
            by_kind = {k: 0 for k in enums.UNIT_KINDS}
            by_kind.update(dict(cur.fetchall()))
            cur.execute("SELECT count(*) FROM units WHERE status = 'dissolved'" + where, args)
            dissolved = cur.fetchone()[0]
            cov = q.coverage(cur, scope)
            counts = q.counts_by(cur, scope)
            counts["in_self_lapse_procedure"] = q.in_self_lapse(cur, scope)
            return {
                "tree": {"units_by_kind": by_kind, "dissolved": dissolved,
                         "leadership_problems": q.open_leadership_problems(cur, scope)},
                "coverage": {k: cov[k] for k in
                             ("cooperatives", "with_league_org", "without_league_org")},
                "members": counts,
            }

        return self.es.read(query)


def _prune(node: dict[str, Any], visible: set[str]) -> None:
    node["children"] = [c for c in node["children"] if c["id"] in visible]
    for child in node["children"]:
        _prune(child, visible)
