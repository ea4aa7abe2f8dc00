"""The org service: committee, League tree, cooperatives, members (nameko)."""

from __future__ import annotations

import uuid
from typing import Any

from eventkit import pagination
from eventkit.errors import NotFound, RuleViolation
from eventkit.nameko_ext import EventSourcing, FeedMixin, command, jsonable
from eventkit.uow import Tx
from eventkit.validation import load
from services.org import schemas
from services.org.domain.cooperative import Cooperative, figure_warnings
from services.org.events import registry
from services.org.projections import COOP_COLUMNS, projector

COOP_SELECT = (
    "SELECT id, " + ", ".join(COOP_COLUMNS) + ", registered_at, updated_at, version"
    " FROM cooperatives"
)
COOP_KEYS = ["id", *COOP_COLUMNS, "registered_at", "updated_at", "version"]


def _coop_row(row) -> dict[str, Any]:
    coop = jsonable(dict(zip(COOP_KEYS, row, strict=True)))
    coop["warnings"] = figure_warnings(coop)
    return coop


def _load_coop(cur, coop_id: str) -> dict[str, Any] | None:
    cur.execute(COOP_SELECT + " WHERE id = %s", (coop_id,))
    row = cur.fetchone()
    return _coop_row(row) if row else None


class OrgService(FeedMixin):
    name = "org"
    es = EventSourcing("org", registry, projector)

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
            coop = tx.add(Cooperative(uuid.uuid4().hex))
            coop.register(**fields)
            return {"id": coop.id}

        result = self.es.run(handle, command_id)
        return self.get_cooperative(result["id"])

    @command
    def update_cooperative(self, coop_id: str, payload: dict,
                           command_id: str | None = None) -> dict:
        changes = load(schemas.CooperativeUpdate(), payload)

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

        self.es.run(handle, command_id)
        return self.get_cooperative(coop_id)

    @command
    def get_cooperative(self, coop_id: str) -> dict:
        coop = self.es.read(lambda cur: _load_coop(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not found")
        return coop

    @command
    def list_cooperatives(self, filters: dict | None = None, limit: int = 50,
                          cursor: str | None = None) -> dict:
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
        sql = COOP_SELECT + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY id LIMIT %s"

        def query(cur) -> list[dict]:
            cur.execute(sql, (*args, limit + 1))
            return [_coop_row(r) for r in cur.fetchall()]

        return pagination.page(self.es.read(query), limit)
