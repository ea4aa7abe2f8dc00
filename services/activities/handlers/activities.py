"""Activities: planning, editing, registration, check-in, holding, cancelling."""

from __future__ import annotations

from collections.abc import Sequence

from eventkit.errors import InvalidInput, NotFound
from eventkit.uow import Tx
from services.activities.domain.activity import Activity, organizing_units
from services.activities.domain.unified import UnifiedActivity

from .context import Answer, Command, Context, Facts


def check_menu_item(facts: Facts, item_id: str | None) -> None:
    """A work-menu item named by an activity or a unified activity must be usable."""
    if item_id is not None and not facts.menu_item_usable(item_id):
        raise InvalidInput.field("work_menu_item_id", "is not an item of a published work menu")


def _organizers(facts: Facts, organizers: Sequence[str], co_organizers: Sequence[str],
                ctx: Context) -> set[str]:
    named = [*organizers, *co_organizers]
    return organizing_units(organizers, co_organizers,
                            league=facts.active_unit_ids(named, ctx.scope),
                            departments=facts.active_member_unit_ids(named))


def plan_activity(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    facts = ctx.facts(tx)
    active = _organizers(facts, cmd["organizer_unit_ids"], cmd["co_organizer_unit_ids"], ctx)
    check_menu_item(facts, cmd["work_menu_item_id"])
    activity = tx.add(Activity(ctx.new_id()))
    assert isinstance(activity, Activity)
    activity.plan(**cmd, active_unit_ids=active)
    if cmd["unified_activity_id"]:
        unified = tx.load(UnifiedActivity, str(activity.unified_activity_id))
        if not unified.exists:
            raise InvalidInput.field("unified_activity_id", "unknown unified activity")
        unified.link_organizer_activity(activity.organizer_unit_ids, activity.id)
    return {"id": activity.id}


def _activity(tx: Tx, activity_id: str, ctx: Context) -> Activity:
    ctx.facts(tx).require_activity_visible(activity_id, ctx.scope)
    return tx.get(Activity, activity_id, "activity")


def edit_activity(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    changes = dict(cmd)
    activity = _activity(tx, changes.pop("activity_id"), ctx)
    facts = ctx.facts(tx)
    active = _organizers(facts, changes.get("organizer_unit_ids", []),
                         changes.get("co_organizer_unit_ids", []), ctx)
    check_menu_item(facts, changes.get("work_menu_item_id"))
    activity.edit(**changes, active_unit_ids=active)
    return {"id": activity.id}


def hold_activity(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    fields = dict(cmd)
    activity = _activity(tx, fields.pop("activity_id"), ctx)
    attending = ctx.facts(tx).attending_member_ids(fields["attendee_member_ids"],
                                                   fields["held_on"])
    activity.hold(**fields, active_member_ids=attending, today=ctx.clock.today())
    if activity.unified_activity_id:
        tx.load(UnifiedActivity, activity.unified_activity_id).activity_held(
            activity.id, held_on=fields["held_on"])
    return {"id": activity.id}


def cancel_activity(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _activity(tx, cmd["activity_id"], ctx).cancel(reason=cmd["reason"])
    return {"id": cmd["activity_id"]}


def register_for_activity(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    activity = _activity(tx, cmd["activity_id"], ctx)
    active = ctx.facts(tx).attending_member_ids([cmd["member_id"]], ctx.clock.today())
    activity.register(cmd["member_id"], now=ctx.clock.now(), active_member_ids=active)
    return {"id": cmd["activity_id"]}


def withdraw_registration(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    activity = _activity(tx, cmd["activity_id"], ctx)
    if cmd["member_id"] not in activity.registered_member_ids:
        raise NotFound(f"member {cmd['member_id']} is not registered for the activity")
    activity.withdraw_registration(cmd["member_id"], now=ctx.clock.now())
    return {"id": cmd["activity_id"]}


def check_in(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    activity = _activity(tx, cmd["activity_id"], ctx)
    active = ctx.facts(tx).attending_member_ids([cmd["member_id"]], ctx.clock.today())
    activity.check_in(cmd["member_id"], now=ctx.clock.now(), active_member_ids=active)
    return {"id": cmd["activity_id"]}
