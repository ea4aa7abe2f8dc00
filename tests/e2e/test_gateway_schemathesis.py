"""Property-based run of schemathesis against the OpenAPI document of the running gateway.

Every operation of `/api/v1/openapi.json` (every route of every slice), valid and invalid
inputs (positive and negative generation), with every response check schemathesis has:
no server error, every status, content type, header and body as documented, invalid input
refused, valid input not refused by the schema layer, auth not ignored, 405 with `Allow`.

One fresh token (league committee admin: every action) per request, so the per-token rate
limit does not turn the run into 429s. `SCHEMATHESIS_MAX_EXAMPLES` (default 8) sets the
examples per operation and phase; the nightly-style long run sets it higher, with
`SCHEMATHESIS_RANDOM=1` for new random inputs (the default replays a fixed set).

Positive data: a JSON schema cannot say everything the domain checks (a USCC or resident-ID
check digit, a workflow step that is not due, an unknown unit named in a body), so a valid
body may still be refused with 409 or 422 (problem+json, documented per route); other
refusals of valid data (400, 405, 413, 415...) fail the check.
"""

from __future__ import annotations

import json
import os
import uuid

import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import (
    ChecksConfig,
    GenerationConfig,
    PositiveDataAcceptanceConfig,
    ProjectConfig,
    ProjectsConfig,
    SchemathesisConfig,
)
from schemathesis.specs.openapi import checks as oc

from tests.e2e.conftest import instance_env

ALL_CHECKS = [
    not_a_server_error, oc.status_code_conformance, oc.content_type_conformance,
    oc.response_schema_conformance, oc.response_headers_conformance,
    oc.negative_data_rejection, oc.positive_data_acceptance, oc.use_after_free,
    oc.ensure_resource_availability, oc.missing_required_header, oc.ignored_auth,
    oc.unsupported_method, oc.allow_header_conformance,
]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
# `make test` replays the same examples every run, so CI is not red by chance; set
# SCHEMATHESIS_RANDOM=1 (with more examples) to explore new inputs.
DETERMINISTIC = not os.environ.get("SCHEMATHESIS_RANDOM")


def _schema():
    # the document the gateway serves is generated from this same code (gateway.openapi)
    import gateway.service  # noqa: F401  (registers every route)
    from gateway import openapi

    env = instance_env()
    config = SchemathesisConfig(projects=ProjectsConfig(default=ProjectConfig(
        base_url=f"http://127.0.0.1:{env['GATEWAY_PORT']}",
        # the bearer token is set per request below, not generated (nor left out) by
        # schemathesis; `ignored_auth` checks requests without it separately
        generation=GenerationConfig(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=MAX_EXAMPLES, with_security_parameters=False,
                                    deterministic=DETERMINISTIC),
        checks=ChecksConfig(positive_data_acceptance=PositiveDataAcceptanceConfig(
            expected_statuses=["2xx", "401", "403", "404", "409", "422", "429"])),
    )))
    return schemathesis.openapi.from_dict(openapi.build(), config=config)


schema = _schema()


def test_the_served_document_is_the_one_tested(api):
    from gateway import openapi

    served = requests.get(api.base + "/api/v1/openapi.json", timeout=10).json()
    assert served == json.loads(json.dumps(openapi.build()))


@schema.parametrize()
def test_the_api_keeps_its_openapi_document(case, api):
    token = api.token("league_committee", "admin", sub=f"fuzz-{uuid.uuid4().hex[:8]}")
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=ALL_CHECKS,
                           timeout=30)
