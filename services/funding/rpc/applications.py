"""Young entrepreneurs (致富骨干) and their credit applications: the League's steps; the
bank's answer comes over the partner channel (ingest.py)."""

from __future__ import annotations

from eventkit import pagination
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.funding import handlers, queries
from services.funding import queries_applications as q
from services.funding.contract import schemas
from services.funding.rpc.common import Commands, Handler


class ApplicationsRpc(Commands):

    # ======================================================================== entrepreneurs
    @command
    def register_entrepreneur(self, payload: dict, command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        data = load(schemas.EntrepreneurIn, payload)
        result = self._run(handlers.register_entrepreneur, data, command_id, scope)
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
        data = load(schemas.ApplicationIn, payload)
        result = self._run(handlers.submit_application, data, command_id, scope)
        return self.get_application(result["id"], scope)

    def _on_application(self, handler: Handler, application_id: str, schema: type,
                        payload: dict, command_id: str | None,
                        scope: list[str] | None) -> dict:
        cmd = {**load(schema, payload), "application_id": application_id}
        self._run(handler, cmd, command_id, scope)
        return self.get_application(application_id, scope)

    @command
    def precheck_application(self, application_id: str, payload: dict,
                             command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        return self._on_application(handlers.precheck_application, application_id,
                                    schemas.PrecheckIn, payload, command_id, scope)

    @command
    def recommend_application(self, application_id: str, payload: dict,
                              command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        return self._on_application(handlers.recommend_application, application_id,
                                    schemas.ApplicationRecommendationIn, payload, command_id,
                                    scope)

    @command
    def send_application(self, application_id: str, payload: dict,
                         command_id: str | None = None,
                         scope: list[str] | None = None) -> dict:
        return self._on_application(handlers.send_application, application_id,
                                    schemas.SendIn, payload, command_id, scope)

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
