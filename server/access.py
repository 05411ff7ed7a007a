"""Who may call what: one place for authentication and route-level authorisation.

Every view declares its callers with `@allow(...)`; a request to an endpoint with no
declaration is refused (deny by default), and the authorisation matrix test walks the URL
map so a new route without a rule fails the suite. Record-level rules (a verifier sees only
their agency's applications, a citizen only their own records) live in each domain's
queries, which take the Principal.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import uuid
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy import bindparam, select

from .accounts.models import Citizen, DeviceSession, Officer
from .db_types import utcnow
from .errors import ApiError
from .extensions import db
from .transactions import request_work

log = logging.getLogger(__name__)

# Who a rule may name. "officer" is any officer; "supervisor" includes admins.
CALLERS = ("public", "signed_in", "citizen", "officer", "verifier", "supervisor", "admin")
# Endpoints that come from libraries, not from our views.
LIBRARY_PUBLIC_ENDPOINTS = {"static", "api-docs.openapi_json"}
TOKEN_PREFIX = "sd_"
SLIDE_EVERY = dt.timedelta(hours=1)
# What an officer who must set a new password may still call (server/staff).
PASSWORD_CHANGE_ENDPOINTS = frozenset({"accounts.officer_me", "accounts.logout",
                                       "staff.change_own_password"})


class Principal:
    """Who is calling: a kind and ids, read with the token in one row. The citizen, the
    officer and the device session as ORM objects are loaded at first use (by primary key,
    into the request's ORM session): the sync push and pull, the hottest routes, need the
    citizen's id alone, and loading three entities through the ORM was about a fifth of a
    one-mutation push (#20). A view that runs its own transactions (@own_transactions)
    uses the ids: after its release the ORM session has no connection."""

    def __init__(self, kind: str, *, citizen_id: uuid.UUID | None = None,
                 officer_id: uuid.UUID | None = None, session_id: uuid.UUID | None = None):
        self.kind = kind  # anonymous, citizen, officer
        self.citizen_id, self.officer_id, self.session_id = citizen_id, officer_id, session_id
        self._loaded: dict[str, Any] = {}

    def _load(self, model: type, key: Any) -> Any:
        if key is None:
            return None
        name = model.__name__
        if name not in self._loaded:
            self._loaded[name] = db.session.get(model, key)
        return self._loaded[name]

    @property
    def citizen(self) -> Citizen | None:
        return self._load(Citizen, self.citizen_id)

    @property
    def officer(self) -> Officer | None:
        return self._load(Officer, self.officer_id)

    @property
    def session(self) -> DeviceSession | None:
        return self._load(DeviceSession, self.session_id)

    @property
    def actor_id(self) -> str | None:
        if self.citizen_id is not None:
            return str(self.citizen_id)
        if self.officer_id is not None:
            return str(self.officer_id)
        return None

    @property
    def role(self) -> str | None:
        return self.officer.role if self.officer else None

    def satisfies(self, callers: frozenset[str]) -> bool:
        if "public" in callers:
            return True
        if self.kind == "citizen":
            return bool(callers & {"citizen", "signed_in"})
        if self.kind == "officer":
            role = self.role
            return bool(
                callers & {"signed_in", "officer"}
                or role in callers
                or (role == "admin" and "supervisor" in callers)
            )
        return False


ANONYMOUS = Principal("anonymous")


def allow(*callers: str):
    """Declare who may call a view: allow("public"), allow("citizen"), allow("admin")..."""
    unknown = set(callers) - set(CALLERS)
    if not callers or unknown:
        raise ValueError(f"allow() takes some of {CALLERS}, not {sorted(unknown)}")

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        wrapper.access = frozenset(callers)
        return wrapper

    return decorate


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rule_for(app: Flask, endpoint: str) -> frozenset[str] | None:
    if endpoint in LIBRARY_PUBLIC_ENDPOINTS:
        return frozenset({"public"})
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@functools.cache
def _session_query():
    """Built once (building a select costs more than running it): what deciding on a token
    needs of its device session, citizen or officer, as plain columns (no ORM objects)."""
    return (select(DeviceSession.id, DeviceSession.citizen_id, DeviceSession.officer_id,
                   DeviceSession.revoked_at, DeviceSession.expires_at,
                   DeviceSession.last_seen_at, Citizen.id.label("citizen_found"),
                   Citizen.erased_at, Officer.disabled)
            .outerjoin(Citizen, Citizen.id == DeviceSession.citizen_id)
            .outerjoin(Officer, Officer.id == DeviceSession.officer_id)
            .where(DeviceSession.token_hash == bindparam("token_hash")))


def authenticate(token: str, now: dt.datetime) -> Principal:
    """The principal a token stands for, or ApiError(401) saying why not."""
    if not token.startswith(TOKEN_PREFIX):
        raise ApiError(401, "invalid_token")
    # One Core query on the request's connection: the session with its citizen or
    # officer (outer joins), as the columns the decision needs.
    row = request_work().connection.execute(
        _session_query(), {"token_hash": hash_token(token)}).first()
    if row is None:
        raise ApiError(401, "invalid_token")
    if row.revoked_at is not None:
        raise ApiError(401, "session_revoked")
    if row.expires_at <= now:
        raise ApiError(401, "session_expired")
    if row.officer_id is not None:
        if row.disabled:
            raise ApiError(401, "account_disabled")
        principal = Principal("officer", officer_id=row.officer_id, session_id=row.id)
    else:
        if row.citizen_found is None or row.erased_at is not None:
            raise ApiError(401, "invalid_token")
        principal = Principal("citizen", citizen_id=row.citizen_id, session_id=row.id)
    if now - row.last_seen_at >= SLIDE_EVERY:
        # Sliding expiry: a phone that keeps coming back stays signed in; one that
        # stays away longer than the lifetime must sign in again. Written with the
        # request (a read request switches to writing here: server/transactions.py).
        request_work().write()
        session = principal.session
        session.last_seen_at = now
        session.expires_at = now + session_lifetime(principal.kind)
    return principal


def session_lifetime(kind: str) -> dt.timedelta:
    key = "CITIZEN_SESSION_DAYS" if kind == "citizen" else "OFFICER_SESSION_HOURS"
    value = current_app.config[key]
    return dt.timedelta(days=value) if kind == "citizen" else dt.timedelta(hours=value)


def check_access():
    """before_request: find the endpoint's rule, authenticate if needed, refuse otherwise."""
    g.principal = ANONYMOUS
    if request.endpoint is None:  # no route: the router's 404/405 follows
        return
    callers = rule_for(current_app, request.endpoint)
    if callers is None:
        log.error("refused %s %s: endpoint %s declares no access rule", request.method,
                  request.path, request.endpoint)
        raise ApiError(403, "forbidden")
    token = _bearer_token()
    if "public" in callers:
        if token:
            try:
                g.principal = authenticate(token, utcnow())
            except ApiError:
                pass  # a stale token must not stop anyone reading public pages
        return
    if token is None:
        raise ApiError(401, "unauthorized")
    principal = authenticate(token, utcnow())
    g.principal = principal
    if (principal.officer is not None and principal.officer.must_change_password
            and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS):
        # A password a supervisor gave (server/staff) works only to set the officer's own.
        raise ApiError(403, "password_change_required")
    if not principal.satisfies(callers):
        from .audit.operations import record

        work = request_work()
        work.write()
        record("access.denied", target_kind="endpoint", target_id=request.endpoint,
               outcome="denied", details={"method": request.method, "path": request.path})
        work.keep()  # the refusal is audited although the request fails
        raise ApiError(403, "forbidden")


def current_principal() -> Principal:
    return g.get("principal", ANONYMOUS)


def init_app(app: Flask) -> None:
    app.before_request(check_access)
