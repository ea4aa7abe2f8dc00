"""County coverage report: cooperatives with and without a League organization."""

from __future__ import annotations

from gateway.router import Request, route
from services.org.contract import schemas


@route("GET", "/coverage", action="coverage.read", tag="cooperatives",
       summary="Cooperatives with/without a League organization, by industry and township",
       response=schemas.CoverageOut)
def report(req: Request) -> dict:
    return req.rpc.org.coverage_report(req.scope())
