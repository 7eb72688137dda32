"""The app's values: users, sessions, API accounts, the sign-in audit, webhooks, deliveries.

Plain frozen ``attrs`` values and the checks of what a person types
(login names, passwords, roles); :mod:`mediation.web.store` reads and writes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable

import attrs

from mediation import Actor, Role, ValidationError

__all__ = [
    "MIN_PASSWORD",
    "ROLES",
    "ApiAccount",
    "AuditEntry",
    "Delivery",
    "Session",
    "User",
    "Webhook",
    "check_login",
    "check_password",
    "check_roles",
    "check_unit",
    "from_utc_text",
    "sha256",
    "utc_text",
]

ROLES = frozenset(r.value for r in Role)
"""The roles a user or an API account may hold."""

_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{1,39}")
MIN_PASSWORD = 8
"""The shortest password accepted."""


def utc_text(value: dt.datetime) -> str:
    """Fixed-width UTC text of an instant (sorts as the instant does)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_utc_text(value: str) -> dt.datetime:
    """The instant of :func:`utc_text`'s text."""
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def sha256(text: str) -> str:
    """Hex sha256 of ``text`` (what is stored of a session id or a token)."""
    return hashlib.sha256(text.encode()).hexdigest()


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    """The role set, if every role is one of :data:`ROLES`.

    Raises:
        ValidationError: an unknown role, or none.
    """
    found = frozenset(r.strip() for r in roles if r.strip())
    unknown = sorted(found - ROLES)
    if not found or unknown:
        names = "、".join(f"{r.value}（{r.label}）" for r in Role)
        raise ValidationError("roles", sorted(found), f"角色须为以下之一：{names}")
    return found


def check_unit(unit: object) -> str:
    """A unit id (stripped), if one is given.

    Raises:
        ValidationError: none given.
    """
    if not isinstance(unit, str) or not unit.strip():
        raise ValidationError("unit", unit, "须指定所属单位")
    return unit.strip()


def check_login(login: object) -> str:
    """Return ``login`` if it is a usable login name.

    Raises:
        ValidationError: not 2-40 letters, digits, ``_ . -`` starting with a letter or digit.
    """
    if not isinstance(login, str) or not _LOGIN.fullmatch(login):
        raise ValidationError(
            "login", login, "登录名须为2至40位字母、数字或“_ . -”，以字母或数字开头"
        )
    return login


def check_password(password: object) -> str:
    """Return ``password`` if it is long enough.

    Raises:
        ValidationError: shorter than :data:`MIN_PASSWORD` characters.
    """
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationError("password", None, f"密码至少{MIN_PASSWORD}位")
    if len(password) > 1024:
        raise ValidationError("password", None, "密码过长")
    return password


@attrs.frozen(slots=True)
class User:
    """A person who signs in to the app: an engine actor with a password.

    Attributes:
        login: Login name; also the actor id the engine logs.
        name: Display name.
        roles: Role values (:class:`mediation.Role`).
        unit: The unit the user works in (the engine scopes data to its subtree).
        active: False once disabled (cannot sign in).
    """

    login: str
    name: str
    roles: frozenset[str]
    unit: str
    active: bool = True

    @property
    def actor(self) -> Actor:
        """The engine actor this user acts as."""
        return Actor(self.login, self.roles, self.unit, self.name)

    @property
    def role_labels(self) -> str:
        """The roles in Chinese, joined."""
        return "、".join(Role(r).label for r in sorted(self.roles) if r in ROLES)


@attrs.frozen(slots=True)
class Session:
    """A signed-in session.

    Attributes:
        id_hash: sha256 of the session id the cookie carries.
        login: Whose session.
        csrf: The token every form of the session must send back.
        created_at: When the user signed in.
        seen_at: The latest request.
        expires_at: When it ends unless used again.
    """

    id_hash: str
    login: str
    csrf: str
    created_at: dt.datetime
    seen_at: dt.datetime
    expires_at: dt.datetime


@attrs.frozen(slots=True)
class ApiAccount:
    """A system account of the JSON API (one token each).

    Attributes:
        name: The account name; the actor id is ``api:<name>``.
        roles: Role values.
        unit: The unit whose subtree it may see and act on.
        active: False once revoked.
        last_used_at: The latest request with its token (``""``: never).
    """

    name: str
    roles: frozenset[str]
    unit: str
    active: bool = True
    last_used_at: str = ""

    @property
    def actor(self) -> Actor:
        """The engine actor this account acts as."""
        return Actor(f"api:{self.name}", self.roles, self.unit, self.name)


@attrs.frozen(slots=True)
class AuditEntry:
    """One entry of the sign-in audit."""

    at: dt.datetime
    kind: str
    login: str
    address: str
    detail: str


@attrs.frozen(slots=True)
class Webhook:
    """A receiver of committed events.

    Attributes:
        id: Its number.
        url: Where events are POSTed.
        secret: The HMAC key of the signature header.
        unit: Only cases in this unit's subtree (``None``: every case).
        active: False once disabled.
    """

    id: int
    url: str
    secret: str
    unit: str | None
    active: bool


@attrs.frozen(slots=True)
class Delivery:
    """One event queued for one webhook."""

    id: int
    webhook_id: int
    case_id: str
    seq: int
    payload: str
    attempts: int
    next_at: dt.datetime
