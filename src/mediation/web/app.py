"""The committee app: a Starlette application over an :class:`~mediation.Engine`.

Every request runs in three parts: the body is read (form or JSON), then in
a worker thread the user is found (session cookie, or API token), the CSRF
token of a form is checked against the session's, and the view runs with the
user's engine actor; whatever goes wrong ends in a page (or JSON) in Chinese
with the right status — never a traceback. Views are plain functions of a
:class:`Ctx`; the engine and the app's store are blocking, so they run in
Starlette's thread pool.

Security in one place: session cookies are HttpOnly, SameSite=Lax, signed
(itsdangerous) and name a server-side session (idle and absolute expiry);
every POST form carries the session's CSRF token (the sign-in form a token
tied to a cookie of its own); repeated failed sign-ins wait longer each time;
responses carry a strict Content-Security-Policy.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from itsdangerous import BadSignature, Signer
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mediation import Engine, MediationError, Role
from mediation.web import helpers
from mediation.web.context import (
    FLASH_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    ApiCtx,
    Ctx,
    WebConfig,
    WebError,
)
from mediation.web.messages import describe, status_of
from mediation.web.responses import SecurityHeaders, api_error, api_error_of
from mediation.web.store import WebStore
from mediation.web.values import Session, User

if TYPE_CHECKING:
    from mediation.web.webhooks import Deliverer

__all__ = ["WebApp", "create_app"]

log = logging.getLogger("mediation.web")

View = Callable[[Ctx], Response]
ApiView = Callable[[ApiCtx], Response]


class WebApp:
    """The app's parts: engine, store, configuration, templates, and the routes.

    Args:
        engine: The engine (its reads are scoped: build it without ``reader``).
        store: The app's tables on the same database.
        config: How it runs.
    """

    def __init__(self, engine: Engine, store: WebStore, config: WebConfig | None = None) -> None:
        self.engine = engine
        self.store = store
        self.config = config or WebConfig()
        self.signer = Signer(store.secret_key(), salt="mediation.web")
        self.jinja = Environment(
            loader=PackageLoader("mediation.web", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        helpers.install(self.jinja, engine)
        self.deliverer: Deliverer | None = None

    # -- rendering -------------------------------------------------------------

    def render(self, ctx: Ctx, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """Render ``template`` for ``ctx`` (user, CSRF token, notice, "now" included)."""
        notice = None
        raw = ctx.request.cookies.get(FLASH_COOKIE)
        if raw:
            ctx.cookies.setdefault(FLASH_COOKIE, None)
            try:
                notice = unquote(self.signer.unsign(raw).decode())
            except BadSignature:
                notice = None
        base = {
            "user": ctx.user,
            "csrf": ctx.session.csrf if ctx.session is not None else "",
            "notice": notice,
            "now": ctx.now,
            "path": ctx.request.url.path,
            "engine": self.engine,
            "org": self.engine.org,
            "is_admin": ctx.has_role(),
            "is_director": ctx.has_role(Role.director),
        }
        base.update(context)
        html = self.jinja.get_template(template).render(**base)
        return HTMLResponse(html, status_code=status)

    # -- the request pipeline ----------------------------------------------------

    def page(
        self,
        view: View,
        *,
        public: bool = False,
        roles: frozenset[Role] | None = None,
        needs_org: bool = True,
    ) -> Callable[[Request], Any]:
        """The endpoint of a page view: sign-in, CSRF on POST, roles, error pages."""

        async def endpoint(request: Request) -> Response:
            form: FormData | None = None
            if request.method == "POST":
                try:
                    form = await request.form()
                except Exception:  # a body that is not a form
                    return self._plain_error(request, 400, "提交的内容无法读取")
            return await run_in_threadpool(
                self._run_page, view, request, form, public, roles, needs_org
            )

        return endpoint

    def _plain_error(self, request: Request, status: int, message: str) -> Response:
        ctx = Ctx(request, self, None, None, None, self.config.clock())
        return self._error_page(ctx, status, message)

    def _error_page(self, ctx: Ctx, status: int, message: str) -> Response:
        try:
            return ctx.render("error.html", status, message=message, code=status)
        except Exception:
            log.exception("the error page failed")
            return HTMLResponse(
                f"<!doctype html><meta charset=utf-8><title>出错了</title><p>{message}</p>",
                status_code=status,
            )

    def signed_in(self, request: Request) -> tuple[User, Session] | None:
        """The user and session of the request's cookie, if it names a live session."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            session_id = self.signer.unsign(raw).decode()
        except BadSignature:
            return None
        session = self.store.session(
            session_id, idle=self.config.session_idle, lifetime=self.config.session_lifetime
        )
        if session is None:
            return None
        user = self.store.user(session.login)
        if user is None or not user.active:
            return None
        return user, session

    def session_id(self, request: Request) -> str | None:
        """The session id of the request's cookie (signature checked)."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            return self.signer.unsign(raw).decode()
        except BadSignature:
            return None

    def _run_page(
        self,
        view: View,
        request: Request,
        form: FormData | None,
        public: bool,
        roles: frozenset[Role] | None,
        needs_org: bool,
    ) -> Response:
        ctx = Ctx(request, self, None, None, form, self.config.clock())
        try:
            found = self.signed_in(request)
            if found is not None:
                ctx.user, ctx.session = found
            if not public:
                if ctx.user is None:
                    target = request.url.path
                    if request.url.query:
                        target += "?" + request.url.query
                    if request.method != "GET":
                        target = "/"
                    response: Response = RedirectResponse(
                        f"/login?next={quote(target)}", status_code=303
                    )
                    return response
                if request.method == "POST":
                    self._check_csrf(ctx)
                if roles and not ctx.has_role(*roles):
                    raise WebError(403, "您的角色不能使用这个页面")
                if needs_org and self.engine.org is None:
                    return ctx.render("setup.html", 200)
            response = view(ctx)
        except WebError as exc:
            response = self._error_page(ctx, exc.status, exc.message)
        except MediationError as exc:
            response = self._error_page(ctx, status_of(exc), describe(exc))
        except Exception:
            log.exception("page %s failed", request.url.path)
            response = self._error_page(ctx, 500, "系统内部错误，请稍后再试或联系管理员")
        self._set_cookies(request, response, ctx.cookies)
        return response

    def _check_csrf(self, ctx: Ctx) -> None:
        sent = ctx.field("csrf_token")
        if ctx.session is None or not sent or not hmac.compare_digest(sent, ctx.session.csrf):
            raise WebError(403, "表单已失效（缺少或错误的安全令牌），请刷新页面后重新提交")

    def login_token(self, ctx: Ctx) -> str:
        """The sign-in form's CSRF token (a cookie of its own carries the same value)."""
        raw = ctx.request.cookies.get(LOGIN_COOKIE)
        if raw:
            try:
                return self.signer.unsign(raw).decode()
            except BadSignature:
                pass
        token = secrets.token_urlsafe(32)
        ctx.cookies[LOGIN_COOKIE] = self.signer.sign(token).decode()
        return token

    def check_login_token(self, ctx: Ctx) -> None:
        """Refuse a sign-in form whose token is not its cookie's.

        Raises:
            WebError: 403.
        """
        raw = ctx.request.cookies.get(LOGIN_COOKIE) or ""
        sent = ctx.field("csrf_token")
        try:
            expected = self.signer.unsign(raw).decode() if raw else ""
        except BadSignature:
            expected = ""
        if not sent or not expected or not hmac.compare_digest(sent, expected):
            raise WebError(403, "表单已失效（缺少或错误的安全令牌），请刷新页面后重新提交")

    def _set_cookies(
        self, request: Request, response: Response, cookies: Mapping[str, str | None]
    ) -> None:
        secure = self.config.secure_cookies
        if secure is None:
            secure = request.url.scheme == "https"
        for name, value in cookies.items():
            if value is None:
                response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=secure)
            else:
                response.set_cookie(
                    name, value, path="/", httponly=True, samesite="lax", secure=secure
                )

    # -- the API pipeline --------------------------------------------------------

    def api(self, view: ApiView) -> Callable[[Request], Any]:
        """The endpoint of an API view: token, JSON body, JSON errors."""

        async def endpoint(request: Request) -> Response:
            body: Any = None
            if request.method == "POST":
                raw = await request.body()
                if raw:
                    import json

                    try:
                        body = json.loads(raw)
                    except (ValueError, UnicodeDecodeError):
                        return api_error(400, "bad_request", "请求体不是有效的 JSON")
            return await run_in_threadpool(self._run_api, view, request, body)

        return endpoint

    def _run_api(self, view: ApiView, request: Request, body: Any) -> Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        account = (
            self.store.account(token.strip()) if scheme.lower() == "bearer" and token else None
        )
        if account is None:
            response = api_error(
                401, "unauthorized", "需要有效的接口令牌（Authorization: Bearer …）"
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="mediation"'
            return response
        if self.engine.org is None:
            # Without an organisation the engine cannot scope data: refuse rather than show all.
            return api_error(503, "no_org", "尚未建立组织机构，接口暂不可用")
        ctx = ApiCtx(request, self, account, body, self.config.clock())
        try:
            return view(ctx)
        except WebError as exc:
            return api_error(exc.status, "refused", exc.message)
        except MediationError as exc:
            return api_error_of(exc)
        except Exception:
            log.exception("API %s failed", request.url.path)
            return api_error(500, "internal", "系统内部错误")


def create_app(engine: Engine, store: WebStore, config: WebConfig | None = None) -> Starlette:
    """The committee app over ``engine`` and ``store`` (see ``mediation serve``).

    Args:
        engine: Built without ``reader`` so that every read names its actor.
        store: The app's tables on the engine's database.
        config: How it runs.
    """
    from mediation.web import api, views_admin, views_cases
    from mediation.web.webhooks import Deliverer

    web = WebApp(engine, store, config)
    routes: list[Route | Mount] = [
        *views_admin.routes(web),
        *views_cases.routes(web),
        *api.routes(web),
        Mount("/static", app=StaticFiles(packages=[("mediation.web", "static")]), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if web.config.webhooks:
            web.deliverer = Deliverer(engine, store, web.config)
            web.deliverer.start()
        try:
            yield
        finally:
            if web.deliverer is not None:
                await run_in_threadpool(web.deliverer.stop)

    async def not_found(request: Request, _exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return api_error(404, "not_found", "没有这个接口")
        return await run_in_threadpool(web._plain_error, request, 404, "没有这个页面")

    async def not_allowed(request: Request, _exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return api_error(405, "method", "接口不支持这种请求方式")
        return await run_in_threadpool(web._plain_error, request, 405, "不支持这种请求方式")

    async def server_error(request: Request, _exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return api_error(500, "internal", "系统内部错误")
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>出错了</title>"
            "<p>系统内部错误，请稍后再试或联系管理员。</p>",
            status_code=500,
        )

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: not_found, 405: not_allowed, 500: server_error},
    )
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    return app
