"""What a view sees: the app's configuration, one request (:class:`Ctx`, :class:`ApiCtx`),
and :class:`WebError`, the refusal a view raises to answer with a status and a message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attrs
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from mediation import Actor, Engine, MediationError, Role
from mediation.model import CHINA_TZ
from mediation.web.store import WebStore
from mediation.web.values import ApiAccount, Session, User

if TYPE_CHECKING:
    from mediation.web.app import WebApp

__all__ = [
    "FLASH_COOKIE",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "ApiCtx",
    "Ctx",
    "WebConfig",
    "WebError",
]

SESSION_COOKIE = "mediation_session"
LOGIN_COOKIE = "mediation_login"
FLASH_COOKIE = "mediation_flash"


def _china_now() -> dt.datetime:
    return dt.datetime.now(CHINA_TZ)


@attrs.frozen(slots=True)
class WebConfig:
    """How the app runs.

    Attributes:
        session_idle: A session ends after this long without a request.
        session_lifetime: ...and this long after sign-in, whatever happens.
        secure_cookies: Mark cookies ``Secure`` (``None``: when the request came over HTTPS).
        lockout_after: Failed sign-ins of one login after which each further
            attempt must wait.
        lockout_base: The first wait; each further failure doubles it...
        lockout_cap: ...up to this.
        lockout_window: Failures older than this are forgotten.
        page_size: Cases per page of the case list.
        webhooks: Deliver committed events to the registered webhooks.
        webhook_poll: Seconds between looks at the outbox and the delivery queue.
        webhook_timeout: Seconds a receiver has to answer.
        clock: "Now" for the pages (warning colours, prefilled times).
    """

    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    session_lifetime: dt.timedelta = dt.timedelta(hours=12)
    secure_cookies: bool | None = None
    lockout_after: int = 3
    lockout_base: dt.timedelta = dt.timedelta(seconds=30)
    lockout_cap: dt.timedelta = dt.timedelta(minutes=15)
    lockout_window: dt.timedelta = dt.timedelta(hours=1)
    page_size: int = 50
    webhooks: bool = True
    webhook_poll: float = 1.0
    webhook_timeout: float = 10.0
    clock: Callable[[], dt.datetime] = _china_now


class WebError(MediationError):
    """A request the app refuses: the status and the message shown (in Chinese)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


@attrs.define(slots=True)
class Ctx:
    """One request as a view sees it.

    Attributes:
        request: The Starlette request.
        web: The app.
        user: The signed-in user (``None`` on public pages).
        session: Its session.
        form: The submitted form (POST).
        now: The request's "now".
    """

    request: Request
    web: WebApp
    user: User | None
    session: Session | None
    form: FormData | None
    now: dt.datetime
    cookies: dict[str, str | None] = attrs.field(factory=dict)

    @property
    def actor(self) -> Actor:
        """The signed-in user's engine actor."""
        if self.user is None:
            raise WebError(401, "请先登录")
        return self.user.actor

    @property
    def engine(self) -> Engine:
        """The engine."""
        return self.web.engine

    @property
    def store(self) -> WebStore:
        """The app's store."""
        return self.web.store

    def param(self, name: str) -> str:
        """A path parameter."""
        return str(self.request.path_params[name])

    def query(self, name: str) -> str | None:
        """A query parameter (``None`` when absent or empty)."""
        value = self.request.query_params.get(name)
        return value if value else None

    def field(self, name: str) -> str:
        """A submitted form field (``""`` when absent)."""
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else ""

    def has_role(self, *roles: Role) -> bool:
        """The user holds one of ``roles`` (an admin holds every role)."""
        held = self.user.roles if self.user is not None else frozenset()
        return Role.admin.value in held or any(r.value in held for r in roles)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page of the app's templates."""
        return self.web.render(self, template, status, **context)

    def redirect(self, url: str, notice: str | None = None) -> RedirectResponse:
        """A 303 to ``url``, with a one-time notice shown there."""
        response = RedirectResponse(url, status_code=303)
        if notice:
            self.cookies[FLASH_COOKIE] = self.web.signer.sign(quote(notice)).decode()
        return response

    def address(self) -> str:
        """The client's address (for the sign-in audit)."""
        client = self.request.client
        return client.host if client is not None else ""


@attrs.define(slots=True)
class ApiCtx:
    """One API request: the account, the JSON body, the request."""

    request: Request
    web: WebApp
    account: ApiAccount
    body: Any
    now: dt.datetime

    @property
    def actor(self) -> Actor:
        """The account's engine actor."""
        return self.account.actor

    @property
    def engine(self) -> Engine:
        """The engine."""
        return self.web.engine

    def param(self, name: str) -> str:
        """A path parameter."""
        return str(self.request.path_params[name])

    def query(self, name: str) -> str | None:
        """A query parameter (``None`` when absent or empty)."""
        value = self.request.query_params.get(name)
        return value if value else None
