"""Activity venues (活动阵地) and their bookings (funding service)."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.funding.contract import schemas
from services.funding.contract.enums import PROVIDER_KINDS


class VenueListQuery(PageQuery):
    unit_id = fields.Str(validate=validate.Length(min=1, max=64))
    provider_kind = fields.Str(validate=validate.OneOf(PROVIDER_KINDS))
    min_capacity = fields.Int(validate=validate.Range(min=1, max=100_000))


@route("POST", "/venues", action="funds.write", tag="venues",
       summary="Register a venue (the cooperative's, a cadre's employer's, another unit's)",
       body=schemas.VenueIn, response=schemas.VenueOut, status=201, responses=(404, 409))
def create(req: Request) -> Reply:
    venue = req.rpc.funding.register_venue(req.body, req.command_id, req.scope())
    return Reply(venue, 201, {"Location": f"/api/v1/venues/{venue['id']}"})


@route("GET", "/venues", action="funds.read", tag="venues", summary="List venues",
       query=VenueListQuery, response=schemas.VenueOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.funding.list_venues(q, limit, cursor, req.scope())


@route("GET", "/venues/{id}", action="funds.read", tag="venues",
       summary="A venue with its bookings", response=schemas.VenueOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.funding.get_venue(req.params["id"], req.scope())


@route("PATCH", "/venues/{id}", action="funds.write", tag="venues",
       summary="Change a venue's capacity", body=schemas.VenueUpdate,
       response=schemas.VenueOut, responses=(404, 409))
def update(req: Request) -> dict:
    return req.rpc.funding.change_venue_capacity(req.params["id"], req.body, req.command_id,
                                                 req.scope())


@route("POST", "/venues/{id}/bookings", action="funds.write", tag="venues",
       summary="Book a venue for an activity (409 when it overlaps another booking)",
       body=schemas.BookingIn, response=schemas.BookingOut, status=201, responses=(404, 409))
def book(req: Request) -> Reply:
    booking = req.rpc.funding.book_venue(req.params["id"], req.body, req.command_id,
                                         req.scope())
    return Reply(booking, 201, {"Location": f"/api/v1/venues/{req.params['id']}"})


@route("POST", "/venues/{id}/bookings/{booking_id}/cancel", action="funds.write",
       tag="venues", summary="Cancel a booking", body=schemas.CancelIn,
       response=schemas.BookingOut, responses=(404, 409))
def cancel(req: Request) -> dict:
    return req.rpc.funding.cancel_booking(req.params["id"], req.params["booking_id"], req.body,
                                          req.command_id, req.scope())
