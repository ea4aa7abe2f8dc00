"""Facts org learns from other services' events (tracked projections).

From funding: the ids of young entrepreneurs (致富骨干, `EntrepreneurRegistered`), so that
org, which records every person's erasure (`PersonErased`, eventkit/people.py), knows the id
names a person. Only the id and the registering unit are kept: the entrepreneur's name, ID
number and phone stay funding's.
"""

from __future__ import annotations

from typing import Any

from eventkit.projection import Projector, aggregate_id

from_funding = Projector("org.from.funding", tables=["known_entrepreneurs"])


@from_funding.on("EntrepreneurRegistered")
def _entrepreneur_registered(cur, env: dict[str, Any]) -> None:
    cur.execute("INSERT INTO known_entrepreneurs (id, unit_id, funding_position)"
                " VALUES (%s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (aggregate_id(env), env["data"]["unit_id"], env["position"]))


TRACKED = {"funding": from_funding}
