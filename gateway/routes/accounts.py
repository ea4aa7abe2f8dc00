"""Sign-in for the console, the signed-in person, accounts for admins, the vocabulary.

`POST /auth/login`, `/auth/refresh` and `/auth/logout` carry no bearer token (`auth=False`):
the password or the refresh cookie is the credential. The refresh token travels only in an
`HttpOnly; SameSite=Strict` cookie limited to `/api/v1/auth`, so page scripts never see it
and other sites cannot make the browser send it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from werkzeug.http import dump_cookie

from eventkit import jsonbody, validation
from gateway import auth, policy, users, vocabulary
from gateway.problems import Problem
from gateway.router import Reply, Request, route

COOKIE = "coopleague_refresh"
COOKIE_PATH = "/api/v1/auth"
TAG = "accounts"


class LoginIn(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class UserOut(Schema):
    username = fields.Str(required=True)
    display_name = fields.Str(required=True)
    department = fields.Str(required=True, validate=validate.OneOf(auth.DEPARTMENTS))
    role = fields.Str(required=True, validate=validate.OneOf(auth.ROLES))
    unit = fields.Str(allow_none=True, required=True)
    active = fields.Bool(required=True)
    locked_until = fields.Str(allow_none=True, required=True)
    created_at = fields.Str(required=True)


class SessionOut(Schema):
    access_token = fields.Str(required=True, metadata={"description": "bearer JWT"})
    token_type = fields.Str(required=True, validate=validate.OneOf(["Bearer"]))
    expires_in = fields.Int(required=True, metadata={"description": "seconds"})
    user = fields.Nested(UserOut, required=True)


class MeOut(Schema):
    sub = fields.Str(required=True)
    department = fields.Str(required=True)
    role = fields.Str(required=True)
    unit = fields.Str(allow_none=True, required=True)
    display_name = fields.Str(allow_none=True, required=True)
    actions = fields.List(fields.Str(), required=True,
                          metadata={"description": "policy actions this person may take"})


class UserIn(Schema):
    username = fields.Str(required=True, validate=validate.Regexp(users.USERNAME))
    display_name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    department = fields.Str(required=True, validate=validate.OneOf(auth.DEPARTMENTS))
    role = fields.Str(required=True, validate=validate.OneOf(auth.ROLES))
    unit = fields.Str(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    password = fields.Str(required=True, validate=validate.Length(min=users.MIN_PASSWORD,
                                                                  max=1000))


class PasswordIn(Schema):
    password = fields.Str(required=True, validate=validate.Length(min=users.MIN_PASSWORD,
                                                                  max=1000))


class UserList(Schema):
    items = fields.List(fields.Nested(UserOut), required=True)


class VocabularyEntry(Schema):
    class Meta:
        include = {"zh-CN": fields.Str(required=True)}

    code = fields.Str(required=True)
    en = fields.Str(required=True)


class Vocabularies(Schema):
    class Meta:
        include = {"default_language": fields.Str(required=True)}

    languages = fields.List(fields.Str(), required=True)
    vocabularies = fields.Dict(keys=fields.Str(), values=fields.List(
        fields.Nested(VocabularyEntry)), required=True)
    fields_ = fields.List(fields.Nested(VocabularyEntry), data_key="fields", required=True)


def _address(req: Request) -> str | None:
    return getattr(req.raw, "remote_addr", None)


def _problem(err: users.AccountError) -> Problem:
    headers = {"Retry-After": str(err.retry_after)} if err.retry_after else {}
    if err.status == 401:
        headers["Set-Cookie"] = _cookie(req=None, value="", max_age=0)
    extra = {"errors": err.errors} if err.errors else {}
    return Problem(err.status, err.detail, headers=headers, **extra)


def _cookie(req: Request | None, value: str, max_age: int) -> str:
    secure = bool(req is not None and req.raw is not None and (
        req.raw.scheme == "https" or req.raw.headers.get("X-Forwarded-Proto") == "https"))
    return dump_cookie(COOKIE, value, max_age=max_age, path=COOKIE_PATH, httponly=True,
                       samesite="Strict", secure=secure)


def _session_reply(req: Request, session: users.Session) -> Reply:
    body = {"access_token": session.access_token, "token_type": "Bearer",
            "expires_in": session.expires_in, "user": session.user}
    return Reply(body, 200, {"Set-Cookie": _cookie(req, session.refresh_token,
                                                   users.refresh_seconds()),
                             "Cache-Control": "no-store"})


def _body(req: Request, schema: type[Schema]) -> dict[str, Any]:
    # invalid, too deeply nested JSON, NUL or lone surrogates: 422 (eventkit.jsonbody)
    data = jsonbody.loads(req.body or b"null")
    if not isinstance(data, dict):
        raise Problem(422, "the body must be a JSON object",
                      errors={"_body": ["must be an object"]})
    instance = schema(unknown=RAISE)
    strict = validation.strict_type_errors(instance, data)
    if strict:
        raise Problem(422, "the body has invalid fields", errors=strict)
    try:
        return instance.load(data)  # type: ignore[no-any-return]
    except ValidationError as err:
        raise Problem(422, "the body has invalid fields", errors=err.messages) from None


def _refresh_cookie(req: Request) -> str | None:
    return req.raw.cookies.get(COOKIE) if req.raw is not None else None


@route("POST", "/auth/login", action="session.login", tag=TAG, auth=False,
       summary="Sign in: a 30-minute bearer token and a refresh cookie (HttpOnly, Strict)",
       body=LoginIn, response=SessionOut, responses=(401, 422, 423))
def login(req: Request) -> Reply:
    body = _body(req, LoginIn)
    try:
        session = users.login(req.pool, body["username"], body["password"], _address(req),
                              req.correlation_id)
    except users.AccountError as err:
        raise _problem(err) from None
    return _session_reply(req, session)


@route("POST", "/auth/refresh", action="session.login", tag=TAG, auth=False,
       summary="A new bearer token for the refresh cookie (which is rotated)",
       response=SessionOut, responses=(401,))
def refresh(req: Request) -> Reply:
    try:
        session = users.refresh(req.pool, _refresh_cookie(req), _address(req),
                                req.correlation_id)
    except users.AccountError as err:
        raise _problem(err) from None
    return _session_reply(req, session)


class LogoutOut(Schema):
    signed_out = fields.Bool(required=True)


@route("POST", "/auth/logout", action="session.login", tag=TAG, auth=False,
       summary="Sign out: the refresh cookie is revoked and cleared", response=LogoutOut)
def logout(req: Request) -> Reply:
    users.logout(req.pool, _refresh_cookie(req), _address(req), req.correlation_id)
    return Reply({"signed_out": True}, 200, {"Set-Cookie": _cookie(req, "", 0)})


@route("GET", "/auth/me", action="session.read", tag=TAG, response=MeOut,
       summary="The signed-in person and the actions the policy allows them")
def me(req: Request) -> dict:
    p = req.principal
    with req.pool.transaction() as cur:
        cur.execute("SELECT display_name FROM users WHERE username = %s", (p.sub,))
        row = cur.fetchone()
    return {"sub": p.sub, "department": p.department, "role": p.role, "unit": p.unit,
            "display_name": row[0] if row else None, "actions": policy.allowed_actions(p)}


@route("GET", "/vocabularies", action="session.login", tag=TAG, auth=False,
       summary="Every enum of the API with its zh-CN and English labels", response=Vocabularies)
def vocabularies(req: Request) -> Reply:
    return Reply(vocabulary.document(), 200, {"Cache-Control": "public, max-age=300"})


# -- accounts, for admins ------------------------------------------------------------------
def _run(req: Request, op: Any) -> Any:
    try:
        with req.pool.transaction() as cur:
            return op(cur)
    except users.AccountError as err:
        raise _problem(err) from None


@route("GET", "/users", action="users.admin", tag=TAG, summary="Console accounts",
       response=UserList)
def list_users(req: Request) -> dict:
    return {"items": _run(req, users.list_)}


@route("POST", "/users", action="users.admin", tag=TAG, summary="Create a console account",
       body=UserIn, response=UserOut, status=201, responses=(409, 422))
def add_user(req: Request) -> Reply:
    b = req.body
    user = _run(req, lambda cur: users.add(cur, b["username"], b["display_name"],
                                           b["department"], b["role"], b.get("unit"),
                                           b["password"]))
    return Reply(user, 201)


@route("POST", "/users/{username}/disable", action="users.admin", tag=TAG,
       summary="Disable an account: its refresh tokens are revoked", response=UserOut,
       responses=(404,))
def disable_user(req: Request) -> dict:
    return _run(req, lambda cur: users.disable(cur, req.params["username"],
                                               req.principal.actor))


@route("POST", "/users/{username}/reset-password", action="users.admin", tag=TAG,
       summary="Set a new password (ends the account's sessions, lifts a lockout)",
       body=PasswordIn, response=UserOut, responses=(404, 422))
def reset_password(req: Request) -> dict:
    return _run(req, lambda cur: users.reset_password(cur, req.params["username"],
                                                      req.body["password"],
                                                      req.principal.actor))
