"""Trainings the science and technology bureau runs (issue 12 part 6), recorded as
activities of the activities service through the bureau's own token (`trainings.write`).

Only the training kinds (技能培训 `skills_training`, 科技服务 `technology_service`) go through
here; every other activity stays `activities.write` (the League). A training request routed
to the bureau is answered with the activity's id (`POST /service-requests/{id}/answer`).
"""

from __future__ import annotations

from marshmallow import fields, validate

from eventkit.errors import NotFound
from gateway.router import Reply, Request, route
from services.activities.contract.schemas import ActivityHoldIn, ActivityIn, ActivityOut

TRAINING_KINDS = ("skills_training", "technology_service")


class TrainingIn(ActivityIn):
    kind = fields.Str(load_default="skills_training", validate=validate.OneOf(TRAINING_KINDS),
                      metadata={"description": "skills_training 技能培训 / technology_service "
                                               "科技服务"})


@route("POST", "/trainings", action="trainings.write", tag="activities",
       summary="Record a training the department runs (an activity of a training kind)",
       body=TrainingIn, response=ActivityOut, status=201, responses=(409, 422))
def plan(req: Request) -> Reply:
    body = dict(req.body)
    body.setdefault("kind", "skills_training")
    activity = req.rpc.activities.plan_activity(body, req.command_id, scope=req.scope())
    return Reply(activity, 201, {"Location": f"/api/v1/activities/{activity['id']}"})


@route("POST", "/trainings/{id}/hold", action="trainings.write", tag="activities",
       summary="Record that a training was held (who attended, summary)", body=ActivityHoldIn,
       response=ActivityOut, responses=(404, 409, 422))
def hold(req: Request) -> dict:
    activity = req.rpc.activities.get_activity(req.params["id"], scope=req.scope())
    if activity["kind"] not in TRAINING_KINDS:
        raise NotFound(f"training {req.params['id']} not found")
    return req.rpc.activities.hold_activity(req.params["id"], req.body, req.command_id,
                                            scope=req.scope())
