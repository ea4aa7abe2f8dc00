"""Command handlers of the org service: plain functions `(tx, cmd, ctx) -> answer`.

Same shape as assessment's (docs/conventions.md). `tx` is the unit of work's transaction (it
loads and adds aggregates); `cmd` the validated command (a dict from the contract's schema,
plus ids from the path); `ctx` what the caller brings (`base.Context`): the unit scope, the
clock, the id generator, the policy and the read-model facts (`base.Facts`, read through the
transaction: `services.org.sql_facts.SqlFacts` in the service, a fake in the handler tests).
The rules live in `domain/`; a handler loads, asks the aggregate, and answers. One module per
resource; `from services.org import handlers` gives them all.
"""

from services.org.handlers.base import Context, Facts, Handler
from services.org.handlers.committees import (
    add_member_unit,
    appoint,
    committee_step,
    create_committee,
    remove_leader,
    remove_member_unit,
)
from services.org.handlers.cooperatives import register_cooperative, update_cooperative
from services.org.handlers.members import (
    age_out_member,
    assign_role,
    decide_self_lapse,
    end_role,
    member_leave,
    record_evaluation,
    register_member,
    start_self_lapse,
)
from services.org.handlers.people import erase_for_retention, erase_person
from services.org.handlers.service_requests import (
    accept_service_request,
    answer_service_request,
    close_service_request,
    submit_service_request,
)
from services.org.handlers.transfers import approve_transfer, reject_transfer, request_transfer
from services.org.handlers.units import (
    change_unit_coverage,
    change_unit_management,
    create_unit,
    dissolve_unit,
    elect_unit_committee,
    merge_unit,
    move_unit,
    rename_unit,
    set_unit_group_functions,
)

__all__ = [
    "Context", "Facts", "Handler",
    "accept_service_request", "add_member_unit", "age_out_member", "answer_service_request",
    "appoint", "approve_transfer", "assign_role", "change_unit_coverage",
    "change_unit_management", "close_service_request", "committee_step", "create_committee",
    "create_unit", "decide_self_lapse", "dissolve_unit", "elect_unit_committee", "end_role",
    "erase_for_retention", "erase_person", "member_leave", "merge_unit", "move_unit",
    "record_evaluation", "register_cooperative", "register_member", "reject_transfer",
    "remove_leader", "remove_member_unit", "rename_unit", "request_transfer",
    "set_unit_group_functions", "start_self_lapse", "submit_service_request",
    "update_cooperative",
]
