"""Working committees: establishment steps, leadership, departments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit import pagination
from eventkit.errors import NotFound, RuleViolation
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import load
from services.org import queries as q
from services.org.contract import schemas
from services.org.domain.committee import Committee
from services.org.domain.unit import Unit
from services.org.rpc.common import STEPS, _new_id


class CommitteesRpc:
    es: Any

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
