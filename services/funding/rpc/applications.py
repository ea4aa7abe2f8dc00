"""Young entrepreneurs (致富骨干) and their credit applications: the League's steps; the
bank's answer comes over the partner channel (ingest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit import config, pagination
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import load
from services.funding import queries, settings
from services.funding import queries_applications as q
from services.funding.contract import schemas
from services.funding.domain.applications import (
    ENTREPRENEUR_MAX_AGE,
    ENTREPRENEUR_MIN_AGE,
    CreditApplication,
    YoungEntrepreneur,
)
from services.funding.domain.beneficiary import person_key
from services.funding.rpc.common import _new_id


def age_limits() -> tuple[int, int]:
    """(minimum age, age from which a person is no longer a young entrepreneur):
    `CREDIT_ENTREPRENEUR_MIN_AGE` (default 18) and `CREDIT_ENTREPRENEUR_MAX_AGE` (35)."""
    return (config.env_int("CREDIT_ENTREPRENEUR_MIN_AGE", ENTREPRENEUR_MIN_AGE),
            config.env_int("CREDIT_ENTREPRENEUR_MAX_AGE", ENTREPRENEUR_MAX_AGE))


class ApplicationsRpc:
    es: Any

    # ======================================================================== entrepreneurs
    @command
    def register_entrepreneur(self, payload: dict, command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        data = load(schemas.EntrepreneurIn(), payload)
        id_key, _ = person_key(data["id_number"], settings.person_secret())
        day = data["registered_on"] or queries.today()
        min_age, max_age = age_limits()
        new_id = _new_id()

        def handle(tx: Tx) -> dict:
            queries.require_unit(tx.cur, data["unit_id"], scope)
            if queries.known_cooperative(tx.cur, data["cooperative_id"]) is None:
                raise InvalidInput.field("cooperative_id", "is not a known cooperative")
            existing = q.entrepreneur_by_person(tx.cur, id_key)
            if existing is not None:
                raise RuleViolation("this person is already registered as a young entrepreneur",
                                    {"entrepreneur_id": existing})
            entrepreneur = tx.add(YoungEntrepreneur(new_id))
            assert isinstance(entrepreneur, YoungEntrepreneur)
            entrepreneur.register(data["name"], data["id_number"], data["phone"],
                                  data["cooperative_id"], data["unit_id"], day, id_key=id_key,
                                  min_age=min_age, max_age=max_age)
            return {"id": new_id}

        result = self.es.run(handle, command_id)
        return self.get_entrepreneur(result["id"], scope)

    @command
    def get_entrepreneur(self, entrepreneur_id: str, scope: list[str] | None = None) -> dict:
        return self.es.read(lambda cur: q.get_entrepreneur(cur, entrepreneur_id, scope))

    @command
    def list_entrepreneurs(self, filters: dict | None = None, limit: int = 50,
                           cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""

        def query(cur) -> dict:
            where, args = ["e.id > %s"], [after]
            for name in ("unit_id", "cooperative_id"):
                if filters.get(name):
                    where.append(f"e.{name} = %s")
                    args.append(filters[name])
            extra, extra_args = queries.scope_clause("e.unit_id", scope)
            sql = q.ENTREPRENEUR_SELECT + " WHERE " + " AND ".join(where) + extra + \
                " ORDER BY e.id"
            return pagination.fetch(cur, sql, [*args, *extra_args], limit, "id",
                                    q.entrepreneur_row)

        return self.es.read(query)

    # ======================================================================== applications
    @command
    def submit_application(self, payload: dict, command_id: str | None = None,
                           scope: list[str] | None = None) -> dict:
        data = load(schemas.ApplicationIn(), payload)
        day = data["submitted_on"] or queries.today()
        min_age, max_age = age_limits()
        new_id = _new_id()

        def handle(tx: Tx) -> dict:
            entrepreneur = tx.load(YoungEntrepreneur, data["entrepreneur_id"])
            if not entrepreneur.exists or (scope is not None and
                                           entrepreneur.unit_id not in scope):
                raise InvalidInput.field("entrepreneur_id",
                                         "is not a registered young entrepreneur")
            tx.cur.execute("SELECT kind, active FROM partners WHERE id = %s",
                           (data["partner_id"],))
            partner = tx.cur.fetchone()
            if partner is None or not partner[1]:
                raise InvalidInput.field("partner_id", "is not an active partner")
            if partner[0] != "bank":
                raise InvalidInput.field("partner_id", "is not a bank")
            application = tx.add(CreditApplication(new_id))
            assert isinstance(application, CreditApplication)
            application.submit(entrepreneur=entrepreneur, partner_id=data["partner_id"],
                               amount_fen=data["amount_fen"], term_months=data["term_months"],
                               purpose=data["purpose"], submitted_on=day, min_age=min_age,
                               max_age=max_age)
            return {"id": new_id}

        result = self.es.run(handle, command_id)
        return self.get_application(result["id"], scope)

    def _on_application(self, application_id: str, command_id: str | None,
                        scope: list[str] | None,
                        action: Callable[[Tx, CreditApplication], None]) -> dict:
        def handle(tx: Tx) -> dict:
            application = tx.load(CreditApplication, application_id)
            if not application.exists or (scope is not None and
                                          application.unit_id not in scope):
                raise NotFound(f"credit application {application_id} not found")
            action(tx, application)
            return {"id": application_id}

        self.es.run(handle, command_id)
        return self.get_application(application_id, scope)

    @command
    def precheck_application(self, application_id: str, payload: dict,
                             command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        data = load(schemas.PrecheckIn(), payload)
        day = data["checked_on"] or queries.today()
        return self._on_application(application_id, command_id, scope, lambda tx, app:
                                    app.precheck(data["outcome"], day, data["note"]))

    @command
    def recommend_application(self, application_id: str, payload: dict,
                              command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        data = load(schemas.ApplicationRecommendationIn(), payload)
        day = data["recommended_on"] or queries.today()

        def action(tx: Tx, app: CreditApplication) -> None:
            try:
                unit = queries.require_unit(tx.cur, data["unit_id"], scope)
            except NotFound:
                raise InvalidInput.field("unit_id", "is not a known League unit") from None
            app.recommend(unit["id"], unit["kind"], day, data["note"])

        return self._on_application(application_id, command_id, scope, action)

    @command
    def send_application(self, application_id: str, payload: dict,
                         command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        data = load(schemas.SendIn(), payload)
        day = data["sent_on"] or queries.today()

        def action(tx: Tx, app: CreditApplication) -> None:
            coop = queries.known_cooperative(tx.cur, app.cooperative_id or "")
            app.send(day, coop["uscc"] if coop else None)

        return self._on_application(application_id, command_id, scope, action)

    @command
    def get_application(self, application_id: str, scope: list[str] | None = None) -> dict:
        return self.es.read(lambda cur: q.get_application(cur, application_id, scope))

    @command
    def list_applications(self, filters: dict | None = None, limit: int = 50,
                          cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""

        def query(cur) -> dict:
            where, args = q.application_filters(filters, scope, after)
            return pagination.fetch(cur, q.APPLICATION_SELECT + where + " ORDER BY a.id", args,
                                    limit, "id", q.application_row)

        return self.es.read(query)

    @command
    def application_figures(self, month: str, partner_id: str | None = None,
                            scope: list[str] | None = None) -> dict:
        """Per bank and month: applications sent, granted, refused, awaiting, disbursed."""
        return self.es.read(lambda cur: q.monthly_figures(cur, month, partner_id, scope))
