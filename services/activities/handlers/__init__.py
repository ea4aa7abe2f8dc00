"""Command handlers of the activities service: plain functions `(tx, cmd, ctx) -> answer`.

Same shape as assessment's (docs/conventions.md). `tx` is the unit of work's transaction (it
loads and adds aggregates); `cmd` the validated command (a dict from the contract's schema,
plus ids from the path); `ctx` what the caller brings: the unit scope, the clock, the id
generator, the compliance configuration and the read-model facts (`Facts`, read through the
transaction: `queries_facts.SqlFacts` in the service, a fake in the handler tests). The rules
live in `domain/`; a handler loads, asks the aggregate, and answers. One module per resource.
"""

from .activities import (
    cancel_activity,
    check_in,
    edit_activity,
    hold_activity,
    plan_activity,
    register_for_activity,
    withdraw_registration,
)
from .context import Context, Facts, Scope
from .guidance import (
    add_supervision_action,
    close_supervision_action,
    close_wechat_group,
    edit_wechat_group,
    record_supervision_visit,
    register_wechat_group,
    report_wechat_member_count,
)
from .meetings import amend_meeting, record_meeting, retract_meeting
from .plans import (
    add_unified_units,
    add_work_menu_item,
    adopt_work_menu_item,
    close_unified_activity,
    draft_work_menu,
    drop_work_menu_adoption,
    excuse_unified_unit,
    issue_unified_activity,
    publish_work_menu,
    withdraw_work_menu_item,
)

__all__ = [
    "Context", "Facts", "Scope",
    "add_supervision_action", "add_unified_units", "add_work_menu_item", "adopt_work_menu_item",
    "amend_meeting", "cancel_activity", "check_in", "close_supervision_action",
    "close_unified_activity", "close_wechat_group", "draft_work_menu", "drop_work_menu_adoption",
    "edit_activity", "edit_wechat_group", "excuse_unified_unit", "hold_activity",
    "issue_unified_activity", "plan_activity", "publish_work_menu", "record_meeting",
    "record_supervision_visit", "register_for_activity", "register_wechat_group",
    "report_wechat_member_count", "retract_meeting", "withdraw_registration",
    "withdraw_work_menu_item",
]
