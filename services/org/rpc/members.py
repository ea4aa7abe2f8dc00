"""Members: registration, roles, leaving, and the daily over-age run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nameko.timer import timer

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import handlers
from services.org import list_queries as lq
from services.org import queries as q
from services.org import year_queries as yq
from services.org.contract import schemas
from services.org.domain.member import age_out_candidates_born_by, self_lapse_grounds
from services.org.rpc.common import AGE_OUT_INTERVAL, log


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


SELF_LAPSE_PER_RUN = 300  # members a run opens at most (the rest: `remaining`)
SELF_LAPSE_BATCH = 50  # members per transaction


class MembersRpc:
    es: Any

    # -- members ---------------------------------------------------------------------
    @command
    def register_member(self, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        cmd = load(schemas.MemberIn, payload)
        result = self._run(handlers.register_member, cmd, command_id, scope)
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
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        return pagination.page(self.es.read(
            lambda cur: lq.members(cur, filters or {}, after, limit, scope)), limit)

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

    def _member_command(self, handler: Any, member_id: str, cmd: dict,
                        command_id: str | None, scope: list[str] | None) -> dict:
        self._run(handler, {**cmd, "member_id": member_id}, command_id, scope)
        return self.get_member(member_id)

    @command
    def assign_role(self, member_id: str, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        return self._member_command(handlers.assign_role, member_id,
                                    load(schemas.RoleIn, payload), command_id, scope)

    @command
    def end_role(self, member_id: str, role_id: str, payload: dict,
                 command_id: str | None = None, scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.RoleEndIn, payload), "role_id": role_id}
        return self._member_command(handlers.end_role, member_id, cmd, command_id, scope)

    @command
    def member_leave(self, member_id: str, payload: dict, command_id: str | None = None,
                     scope: list[str] | None = None) -> dict:
        cmd = load(schemas.LeaveIn, payload)
        cmd["on"] = self._day(cmd["on"])
        return self._member_command(handlers.member_leave, member_id, cmd, command_id, scope)

    # -- over-age --------------------------------------------------------------------
    @timer(interval=AGE_OUT_INTERVAL, eager=True)
    def age_out_daily(self) -> None:
        # the timer ticks in every replica (hourly by default); one claims the day and runs
        today = self.clock.today()
        if not self.es.claim_once("age_out", today.isoformat()):
            return
        result = self._age_out(today)
        log.info("over-age run", as_of=result["as_of"], checked=result["checked"],
                 aged_out=len(result["aged_out"]))

    # -- annual evaluation and registration (issue 12) -----------------------------
    @command
    def record_evaluation(self, unit_id: str, payload: dict, command_id: str | None = None,
                          scope: list[str] | None = None) -> dict:
        data = load(schemas.EvaluationIn, payload)
        on = self._day(data["on"])
        grades = {g["member_id"]: g["grade"] for g in data["grades"]}
        if len(grades) != len(data["grades"]):
            raise InvalidInput.field("grades", "a member is graded once")
        cmd = {"unit_id": unit_id, "year": data["year"], "on": on, "grades": grades}
        self._run(handlers.record_evaluation, cmd, command_id, scope)
        return self.get_evaluation(unit_id, data["year"], scope)  # type: ignore[no-any-return]

    @command
    def get_evaluation(self, unit_id: str, year: int, scope: list[str] | None = None) -> dict:
        q.check_scope(scope, unit_id, "unit", unit_id)
        view = self.es.read(lambda cur: yq.evaluation_view(cur, unit_id, int(year)))
        if view is None:
            raise NotFound(f"no evaluation of unit {unit_id} for {year}")
        return view  # type: ignore[no-any-return]

    # -- 自行脱团 (issue 12) -------------------------------------------------------------
    @command
    def self_lapse_candidates(self, as_of: str | None = None, unit_id: str | None = None
                              ) -> dict:
        when = self._day(as_of, "as_of")

        def query(cur) -> list[str]:
            if unit_id is not None:
                q.unit_facts(cur, unit_id, "unit_id")
            return yq.self_lapse_candidates(cur, when, unit_id)

        return {"as_of": when.isoformat(), "member_ids": self.es.read(query)}

    @command
    def run_self_lapse(self, as_of: str, last_dues: dict, last_life: dict,
                       unit_id: str | None = None) -> dict:
        """Open the 自行脱团 procedure for every candidate the rule finds due, given each
        one's last dues month (funding) and last organizational life (activities). The rule
        runs over the read model first; only members found due load their stream."""
        when = self._day(as_of, "as_of")
        months = q.POLICY.self_lapse_months

        def due(cur) -> tuple[int, list[str]]:
            ids = yq.self_lapse_candidates(cur, when, unit_id)
            joined = yq.join_dates(cur, ids)
            return len(ids), [m for m in ids if self_lapse_grounds(
                joined[m], last_dues.get(m), _day(last_life.get(m)), when, months)]

        checked, ids = self.es.read(due)
        started: list[str] = []
        # bounded work per call: the county's first run may find thousands due, more than an
        # RPC's time allows; the rest is `remaining` and the next call (or the daily job)
        # takes it. One transaction per batch, not one per member.
        todo = ids[:SELF_LAPSE_PER_RUN]
        for first in range(0, len(todo), SELF_LAPSE_BATCH):
            cmd = {"member_ids": todo[first:first + SELF_LAPSE_BATCH], "as_of": when,
                   "last_dues": last_dues, "last_life": last_life}
            started += self._run(handlers.start_self_lapse, cmd, None)["started"]
        return {"as_of": when.isoformat(), "months": months, "checked": checked,
                "due": len(ids), "started": started, "remaining": len(ids) - len(todo)}

    @command
    def decide_self_lapse(self, member_id: str, payload: dict, command_id: str | None = None,
                          scope: list[str] | None = None) -> dict:
        cmd = load(schemas.SelfLapseDecisionIn, payload)
        cmd["on"] = self._day(cmd["on"])
        self._run(handlers.decide_self_lapse, {**cmd, "member_id": member_id}, command_id,
                  scope)
        return self.get_member(member_id, scope)  # type: ignore[no-any-return]

    @command
    def list_self_lapse(self, scope: list[str] | None = None) -> dict:
        return {"items": self.es.read(lambda cur: yq.in_self_lapse(cur, scope))}

    @command
    def run_age_out(self, as_of: str | None = None) -> dict:
        """What the daily timer does, on demand (admins, tests); `as_of` defaults to today."""
        try:
            when = dt.date.fromisoformat(as_of) if as_of else self.clock.today()
        except ValueError as exc:
            raise InvalidInput.field("as_of", "must be a date (YYYY-MM-DD)") from exc
        return self._age_out(when)

    def _age_out(self, when: dt.date) -> dict:
        """Idempotent: a member already out is no longer a candidate, and the aggregate
        decides again on its own stream (a racing replica gets a version conflict)."""
        ids = self.es.read(lambda cur: yq.age_out_candidates(cur,
                                                             age_out_candidates_born_by(when)))
        aged = [member_id for member_id in ids if self._run(
            handlers.age_out_member, {"member_id": member_id, "on": when}, None)["aged_out"]]
        return {"as_of": when.isoformat(), "checked": len(ids), "aged_out": aged}
