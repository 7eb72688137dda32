"""Sign-in and sign-out, the user's own password, 组织与用户 (units, users, API accounts,
webhooks, the sign-in audit) and 统计."""

from __future__ import annotations

from urllib.parse import unquote

from starlette.responses import Response
from starlette.routing import Route

from mediation import MediationError, Role, Unit, ValidationError
from mediation.rules.dispute import Satisfaction
from mediation.rules.org import UnitKind
from mediation.web import stats
from mediation.web.app import WebApp
from mediation.web.context import LOGIN_COOKIE, SESSION_COOKIE, Ctx, WebError
from mediation.web.messages import describe
from mediation.web.values import check_login

__all__ = ["routes"]

_ADMINS = frozenset({Role.admin})
_MANAGERS = frozenset({Role.admin, Role.director})


def _next(target: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if not target:
        return "/"
    target = unquote(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_page(ctx: Ctx) -> Response:
    """登录."""
    if ctx.user is not None:
        return ctx.redirect(_next(ctx.query("next")))
    token = ctx.web.login_token(ctx)
    return ctx.render("login.html", login_csrf=token, next=ctx.query("next") or "", error=None)


def _minutes(seconds: float) -> str:
    seconds = max(1, int(seconds + 0.999))
    return f"{seconds}秒" if seconds < 120 else f"{seconds // 60}分钟"


def login_post(ctx: Ctx) -> Response:
    """Sign in: the throttle first, then the password; every outcome audited."""
    web, store, cfg = ctx.web, ctx.store, ctx.web.config
    web.check_login_token(ctx)
    login = ctx.field("login").strip()[:80]
    password = ctx.field("password")
    target = ctx.field("next")
    token = web.login_token(ctx)

    def again(status: int, error: str) -> Response:
        return ctx.render(
            "login.html", status, login_csrf=token, next=target, error=error, login=login
        )

    until = store.locked_until(login)
    if until is not None:
        store.audit("sign_in_refused", login, ctx.address(), "等待期内再次尝试")
        wait = (until - store.clock()).total_seconds()
        return again(429, f"登录失败次数过多，请{_minutes(wait)}后再试")
    user = store.authenticate(login, password)
    if user is None:
        until = store.record_failure(
            login,
            free=cfg.lockout_after,
            base=cfg.lockout_base,
            cap=cfg.lockout_cap,
            window=cfg.lockout_window,
        )
        if until is not None:
            wait = (until - store.clock()).total_seconds()
            store.audit("sign_in_locked", login, ctx.address(), f"暂停登录{_minutes(wait)}")
            return again(429, f"登录名或密码错误。失败次数过多，请{_minutes(wait)}后再试")
        store.audit("sign_in_failed", login, ctx.address(), "登录名或密码错误")
        return again(401, "登录名或密码错误")
    store.clear_failures(login)
    session_id = store.create_session(login, idle=cfg.session_idle, lifetime=cfg.session_lifetime)
    store.audit("sign_in", login, ctx.address(), "")
    ctx.cookies[SESSION_COOKIE] = web.signer.sign(session_id).decode()
    ctx.cookies[LOGIN_COOKIE] = None
    return ctx.redirect(_next(target))


def logout_post(ctx: Ctx) -> Response:
    """Sign out (the session ends on the server too)."""
    session_id = ctx.web.session_id(ctx.request)
    if session_id is not None:
        ctx.store.end_session(session_id)
    ctx.store.audit("sign_out", ctx.actor.id, ctx.address(), "")
    ctx.cookies[SESSION_COOKIE] = None
    return ctx.redirect("/login", "您已退出登录")


def account_page(ctx: Ctx) -> Response:
    """我的账户: who I am, and changing my password."""
    return ctx.render("account.html", error=None)


def account_post(ctx: Ctx) -> Response:
    """Change my password (every other session of mine ends)."""
    user = ctx.user
    assert user is not None
    current, new, again = ctx.field("current"), ctx.field("new"), ctx.field("again")
    if ctx.store.authenticate(user.login, current) is None:
        return ctx.render("account.html", 400, error="当前密码不正确")
    if new != again:
        return ctx.render("account.html", 400, error="两次输入的新密码不一致")
    try:
        ctx.store.set_password(user.login, new)
    except ValidationError as exc:
        return ctx.render("account.html", 400, error=describe(exc))
    cfg = ctx.web.config
    session_id = ctx.store.create_session(
        user.login, idle=cfg.session_idle, lifetime=cfg.session_lifetime
    )
    ctx.cookies[SESSION_COOKIE] = ctx.web.signer.sign(session_id).decode()
    ctx.store.audit("password_changed", user.login, ctx.address(), "本人修改")
    return ctx.redirect("/account", "密码已修改")


# -- 组织与用户 ----------------------------------------------------------------------


def _scope(ctx: Ctx) -> list[str]:
    """The units the signed-in manager administers (its subtree)."""
    org = ctx.engine.org
    unit = ctx.actor.unit
    if org is None or unit is None:
        return [unit] if unit else []
    return [u.id for u in org if org.within(u.id, unit)]


def admin_page(ctx: Ctx) -> Response:
    """组织与用户."""
    return _admin(ctx)


def _admin(
    ctx: Ctx,
    *,
    status: int = 200,
    error: str | None = None,
    new_secret: tuple[str, str, str] | None = None,
) -> Response:
    """The page, with an error of the form just sent, or a secret to show once."""
    units = _scope(ctx)
    users = ctx.store.users(units)
    logins = {u.login for u in users}
    hooks = []
    if ctx.has_role():
        for hook in ctx.store.webhooks():
            hooks.append((hook, *ctx.store.delivery_counts(hook.id)))
    return ctx.render(
        "admin.html",
        status,
        units=units,
        users=users,
        accounts=ctx.store.accounts() if ctx.has_role() else [],
        webhooks=hooks,
        audit=ctx.store.audit_entries(logins=logins, limit=50),
        roles=[(r.value, r.label) for r in Role if ctx.has_role() or r is not Role.admin],
        unit_kinds=[(k.value, k.label) for k in UnitKind],
        levels=[(lv.name, lv.label) for lv in ctx.engine.policy.ladder.levels],
        org_events=ctx.engine.org_history()[-10:],
        error=error,
        new_secret=new_secret,
    )


def _roles(ctx: Ctx) -> list[str]:
    """The roles ticked in the form (a director may not grant ``admin``: only an admin may)."""
    values = ctx.form.getlist("roles") if ctx.form is not None else []
    roles = [r for r in values if isinstance(r, str)]
    if Role.admin.value in roles and not ctx.has_role():
        raise WebError(403, "只有系统管理员可以授予管理员角色")
    return roles


def _managed_unit(ctx: Ctx, unit: str) -> str:
    org = ctx.engine.org
    if org is None or unit not in org:
        raise ValidationError("unit", unit, "没有这个单位")
    if unit not in _scope(ctx):
        raise WebError(403, "只能管理本单位及下级单位的用户")
    return unit


def user_add(ctx: Ctx) -> Response:
    """Add a user of a unit in my subtree."""
    try:
        if ctx.field("password") != ctx.field("again"):
            raise ValidationError("password", None, "两次输入的密码不一致")
        user = ctx.store.add_user(
            check_login(ctx.field("login").strip()),
            password=ctx.field("password"),
            roles=_roles(ctx),
            unit=_managed_unit(ctx, ctx.field("unit")),
            name=ctx.field("name"),
        )
    except ValidationError as exc:
        return _admin(ctx, status=400, error=describe(exc))
    ctx.store.audit("user_added", user.login, ctx.address(), f"由{ctx.actor.id}添加")
    return ctx.redirect("/admin#users", f"已添加用户 {user.login}")


def user_update(ctx: Ctx) -> Response:
    """Change a user's roles, unit, whether it may sign in, or reset its password."""
    login = ctx.param("login")
    target = ctx.store.user(login)
    if target is None:
        raise WebError(404, "没有这个用户")
    _managed_unit(ctx, target.unit)
    if Role.admin.value in target.roles and not ctx.has_role():
        raise WebError(403, "只有系统管理员可以修改管理员账户")
    try:
        if ctx.field("password"):
            ctx.store.set_password(login, ctx.field("password"))
            ctx.store.audit("password_reset", login, ctx.address(), f"由{ctx.actor.id}重置")
        ctx.store.update_user(
            login,
            name=ctx.field("name") or None,
            roles=_roles(ctx) or None,
            unit=_managed_unit(ctx, ctx.field("unit")) if ctx.field("unit") else None,
            active=ctx.field("active") == "on",
        )
    except ValidationError as exc:
        return _admin(ctx, status=400, error=describe(exc))
    ctx.store.audit("user_changed", login, ctx.address(), f"由{ctx.actor.id}修改")
    return ctx.redirect("/admin#users", f"已保存用户 {login}")


def unit_put(ctx: Ctx) -> Response:
    """Add or change a unit (one audited change of the stored organisation)."""
    parent = ctx.field("parent") or None
    categories = [c.strip() for c in ctx.field("categories").split(",") if c.strip()]
    try:
        unit = Unit(
            ctx.field("id").strip(),
            ctx.field("name").strip(),
            ctx.field("level"),
            parent,
            ctx.field("code_prefix").strip() or "调",
            kind=ctx.field("kind") or "committee",
            categories=frozenset(categories),
        )
        if ctx.engine.org is None:
            # The first unit starts the stored organisation (one audited load).
            ctx.engine.load_org([unit], actor=ctx.actor)
        else:
            ctx.engine.put_unit(unit, actor=ctx.actor)
    except MediationError as exc:
        if ctx.engine.org is None:
            return ctx.render("setup.html", 400, error=describe(exc))
        return _admin(ctx, status=400, error=describe(exc))
    return ctx.redirect("/admin#units", f"已保存单位 {unit.name}")


def token_add(ctx: Ctx) -> Response:
    """Create an API account; its token is shown once."""
    try:
        token, account = ctx.store.add_token(
            ctx.field("name").strip(),
            roles=[
                r for r in (ctx.form.getlist("roles") if ctx.form else []) if isinstance(r, str)
            ],
            unit=_managed_unit(ctx, ctx.field("unit")),
        )
    except ValidationError as exc:
        return _admin(ctx, status=400, error=describe(exc))
    ctx.store.audit("token_added", account.name, ctx.address(), f"由{ctx.actor.id}创建")
    return _admin(ctx, new_secret=("接口令牌", account.name, token))


def token_revoke(ctx: Ctx) -> Response:
    """Revoke an API account's token."""
    name = ctx.param("name")
    ctx.store.revoke_token(name)
    ctx.store.audit("token_revoked", name, ctx.address(), f"由{ctx.actor.id}停用")
    return ctx.redirect("/admin#api", f"已停用接口账户 {name}")


def webhook_add(ctx: Ctx) -> Response:
    """Register a webhook; its signing secret is shown once."""
    unit = ctx.field("unit") or None
    try:
        if unit is not None:
            _managed_unit(ctx, unit)
        hook = ctx.store.add_webhook(ctx.field("url").strip(), unit=unit)
    except ValidationError as exc:
        return _admin(ctx, status=400, error=describe(exc))
    ctx.store.audit("webhook_added", ctx.actor.id, ctx.address(), hook.url)
    return _admin(ctx, new_secret=("推送签名密钥", hook.url, hook.secret))


def webhook_toggle(ctx: Ctx) -> Response:
    """Enable or disable a webhook."""
    try:
        webhook_id = int(ctx.param("id"))
    except ValueError:
        raise WebError(404, "没有这个推送地址") from None
    active = ctx.field("active") == "on"
    ctx.store.set_webhook_active(webhook_id, active)
    return ctx.redirect("/admin#webhooks", "已启用推送" if active else "已停用推送")


def stats_page(ctx: Ctx) -> Response:
    """统计: the engine's statistics of a window of days (this year by default), with charts."""
    engine = ctx.engine
    today = ctx.now.astimezone(engine.policy.tz).date()
    within = ctx.query("unit")
    message = None
    try:
        since, until = stats.parse_window(ctx.query("since"), ctx.query("until"), today)
    except ValidationError as exc:
        message = describe(exc)
        since, until = stats.default_window(today)
    org = engine.org
    units = (
        [u for u in org if ctx.actor.unit is not None and org.within(u.id, ctx.actor.unit)]
        if org is not None
        else []
    )
    found = stats.report(engine, ctx.actor, ctx.now, since=since, until=until, within=within)
    figures = found.figures
    policy = engine.policy
    levels = {lv.name: lv.label for lv in policy.ladder.levels}
    spark, spark_top = stats.sparkline(figures.backlog_daily)
    return ctx.render(
        "stats.html",
        status=422 if message else 200,
        report=found,
        s=figures,
        message=message,
        since=since,
        until=until,
        within=within or ctx.actor.unit,
        unit_filter=within or "",
        units=units,
        cap=stats.CAP,
        channels=stats.bars(figures.by_channel, dict(policy.channels.items())),
        categories=stats.bars(
            figures.by_category, {c: cat.label for c, cat in policy.categories.items()}
        ),
        outcome=stats.bars(
            {
                "resolved": figures.resolved,
                "failed": figures.failed,
                "transferred": figures.transferred,
                "other_ended": figures.other_ended,
                "open": figures.open,
            },
            {
                "resolved": "达成协议",
                "failed": "调解不成",
                "transferred": "移送、移交",
                "other_ended": "撤回、不予受理等",
                "open": "办理中",
            },
            keep_zero=True,
        ),
        ended=stats.bars(figures.closed_by, stats.HOW_LABELS),
        by_level=stats.bars(figures.resolved_by_level, levels, keep_zero=True),
        duty=stats.bars(figures.duty_clocks, stats.DUTY_LABELS, keep_zero=True),
        satisfaction=stats.bars(figures.satisfaction, _satisfaction_label),
        spark=spark,
        spark_top=spark_top,
    )


def _satisfaction_label(key: str) -> str:
    try:
        return str(Satisfaction(key).label)
    except ValueError:
        return key


def routes(web: WebApp) -> list[Route]:
    """The routes of this module."""
    return [
        Route("/login", web.page(login_page, public=True), methods=["GET"]),
        Route("/login", web.page(login_post, public=True), methods=["POST"]),
        Route("/logout", web.page(logout_post, needs_org=False), methods=["POST"]),
        Route("/account", web.page(account_page, needs_org=False), methods=["GET"]),
        Route("/account", web.page(account_post, needs_org=False), methods=["POST"]),
        Route("/admin", web.page(admin_page, roles=_MANAGERS), methods=["GET"]),
        Route("/admin/users", web.page(user_add, roles=_MANAGERS), methods=["POST"]),
        Route("/admin/users/{login}", web.page(user_update, roles=_MANAGERS), methods=["POST"]),
        Route("/admin/units", web.page(unit_put, roles=_ADMINS, needs_org=False), methods=["POST"]),
        Route("/admin/tokens", web.page(token_add, roles=_ADMINS), methods=["POST"]),
        Route(
            "/admin/tokens/{name}/revoke", web.page(token_revoke, roles=_ADMINS), methods=["POST"]
        ),
        Route("/admin/webhooks", web.page(webhook_add, roles=_ADMINS), methods=["POST"]),
        Route(
            "/admin/webhooks/{id}/toggle",
            web.page(webhook_toggle, roles=_ADMINS),
            methods=["POST"],
        ),
        Route("/stats", web.page(stats_page), methods=["GET"]),
    ]
