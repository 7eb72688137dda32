"""``mediation serve | user | token | webhook``: the committee app's commands.

``register(app)`` adds them to the ``mediation`` command; the web
dependencies (Starlette, uvicorn, argon2-cffi) are imported inside the
commands, so ``mediation --help`` works without the ``web`` extra. Like the
rest of the command line, a problem ends in one line on stderr and exit code
2, never a traceback. Passwords are read from standard input (asked twice
at a terminal), never from an argument.
"""

from __future__ import annotations

import functools
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, ParamSpec

import typer

from mediation._files import removed_on_failure

if TYPE_CHECKING:
    from mediation import Engine
    from mediation.web.store import WebStore

__all__ = ["register"]

_P = ParamSpec("_P")

_INSTALL = "the committee app needs the web extra: pip install 'mediation[web]'"


def _fail(message: str) -> NoReturn:
    line = "; ".join(part.strip() for part in message.splitlines() if part.strip())
    typer.secho(f"error: {line}", err=True, fg="red")
    raise typer.Exit(2)


def _guarded(command: Callable[_P, None]) -> Callable[_P, None]:
    """Run ``command``; a library, file or input error becomes one line and exit code 2."""

    @functools.wraps(command)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> None:
        from mediation import MediationError

        try:
            command(*args, **kwargs)
        except ModuleNotFoundError as exc:
            _fail(f"{_INSTALL} ({exc.name} is missing)")
        except (MediationError, OSError, ValueError) as exc:
            _fail(str(exc) or type(exc).__name__)

    return run


@contextmanager
def _open(db: Path, *, create: bool = False) -> Iterator[tuple[Engine, WebStore]]:
    """The engine (migrating the file) and the app's store on ``db``.

    A database this call created is removed again if the command then fails:
    a refused command leaves nothing behind.
    """
    from mediation import Engine
    from mediation.web.store import WebStore

    if db.is_dir():
        _fail(f"{db}: is a directory, not a database file")
    if not create and not db.is_file():
        _fail(f"{db}: no such database file")
    with removed_on_failure(db):
        engine = Engine.sqlite(str(db), create=create)
        try:
            store = WebStore.sqlite(db)
            try:
                yield engine, store
            finally:
                store.close()
        finally:
            engine.close()


def _roles(value: str) -> list[str]:
    return [r.strip() for r in value.split(",") if r.strip()]


def _check_unit(engine: Engine, unit: str) -> None:
    org = engine.org
    if org is None:
        typer.secho(
            f"note: no organisation is stored yet; sign in and add unit {unit!r} first "
            "(组织与用户), or load one with: mediation org load FILE DB",
            err=True,
        )
    elif unit not in org:
        known = ", ".join(u.id for u in org)
        _fail(f"--unit {unit}: no such unit in the stored organisation ({known})")


def _read_password(prompt: str) -> str:
    """A password from standard input: asked twice at a terminal, else its first line."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if getpass.getpass("again: ") != first:
            _fail("the two passwords differ")
        return first
    line = sys.stdin.readline()
    if not line:
        _fail("no password on standard input")
    return line.rstrip("\r\n")


def _port(value: int) -> int:
    """``--port``, if it is 0 to 65535 (a usage error otherwise)."""
    if not 0 <= value <= 65535:
        raise typer.BadParameter(f"{value} is not a port: give 0 to 65535 (0: any free port)")
    return value


def _check_listen(host: str, port: int) -> None:
    """Refuse, before any file is created, an address the server could not listen on: a
    host that does not resolve, or an address and port taken or not this machine's (the
    server itself would only fail once started, leaving a new database behind)."""
    import socket

    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        _fail(f"--host {host}: not an address to listen on ({exc})")
    family, kind, proto, _name, address = found[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            _fail(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})")


DbArg = Annotated[Path, typer.Argument(help="SQLite file.")]


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``user``, ``token`` and ``webhook`` to the ``mediation`` command."""
    app.command()(serve)
    users = typer.Typer(help="Users of the committee app (passwords from standard input).")
    users.command("add")(user_add)
    users.command("list")(user_list)
    users.command("passwd")(user_passwd)
    users.command("disable")(user_disable)
    app.add_typer(users, name="user", no_args_is_help=True)
    tokens = typer.Typer(help="System accounts of the JSON API (one token each).")
    tokens.command("add")(token_add)
    tokens.command("revoke")(token_revoke)
    app.add_typer(tokens, name="token", no_args_is_help=True)
    hooks = typer.Typer(help="Webhooks that receive committed events.")
    hooks.command("add")(webhook_add)
    hooks.command("list")(webhook_list)
    app.add_typer(hooks, name="webhook", no_args_is_help=True)


@_guarded
def serve(
    db: Annotated[Path, typer.Argument(help="SQLite file (created if missing).")],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(callback=_port, help="Port to listen on, 0 to 65535 (0: any free port)."),
    ] = 8000,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Mark cookies Secure (default: when the request came over HTTPS).",
        ),
    ] = None,
    session_minutes: Annotated[
        int, typer.Option(help="Minutes without a request after which a session ends.")
    ] = 30,
    webhooks: Annotated[
        bool, typer.Option("--webhooks/--no-webhooks", help="Deliver events to webhooks.")
    ] = True,
) -> None:
    """Run the committee app (工作台, 案件, 受理登记, 文书, 统计) and its JSON API on DB."""
    import datetime as dt
    import logging

    import uvicorn

    from mediation import Engine
    from mediation.rules.masking import MaskingFormatter
    from mediation.web.app import create_app
    from mediation.web.context import WebConfig
    from mediation.web.store import WebStore

    if db.is_dir():
        _fail(f"{db}: is a directory, not a database file")
    if not db.parent.is_dir():
        _fail(f"{db.parent}: no such directory")
    _check_listen(host, port)
    # Every log line is masked: an error carrying a party's ID or phone number never
    # reaches the server's log in full (《个人信息保护法》第五十一条).
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter("%(asctime)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    logging.getLogger("mediation").setLevel(logging.INFO)
    engine = Engine.sqlite(str(db))
    store = WebStore.sqlite(db)
    if store.count_users() == 0:
        typer.secho(
            f"note: {db} has no users yet; add one with: "
            f"mediation user add {db} LOGIN --roles admin --unit UNIT",
            err=True,
        )
    config = WebConfig(
        secure_cookies=secure_cookies,
        session_idle=dt.timedelta(minutes=max(1, session_minutes)),
        webhooks=webhooks,
    )
    try:
        uvicorn.run(
            create_app(engine, store, config),
            host=host,
            port=port,
            log_level="info",
            ws="none",
            proxy_headers=False,
        )
    finally:
        store.close()
        engine.close()


@_guarded
def user_add(
    db: DbArg,
    login: Annotated[str, typer.Argument(help="Login name (also the actor id in the log).")],
    roles: Annotated[
        str, typer.Option(help="Comma-separated: clerk, mediator, director, leader, admin...")
    ],
    unit: Annotated[str, typer.Option(help="The unit the user works in.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Add a user; the password is read from standard input.

    A new database has no organisation to check the unit against, so the
    password is read and checked before the file is created: a refused
    command creates nothing.
    """
    from mediation.web.values import check_login, check_password, check_roles, check_unit

    check_login(login)
    check_roles(_roles(roles))
    check_unit(unit)
    prompt = f"password for {login}"
    password = None if os.path.lexists(db) else check_password(_read_password(prompt))
    with _open(db, create=True) as (engine, store):
        _check_unit(engine, unit)
        if password is None:
            password = _read_password(prompt)
        user = store.add_user(login, password=password, roles=_roles(roles), unit=unit, name=name)
        store.audit("user_added", user.login, "cli", "命令行添加")
        typer.echo(f"added {user.login} ({user.role_labels}) at {user.unit}")


@_guarded
def user_list(db: DbArg) -> None:
    """List the users."""
    with _open(db) as (_engine, store):
        for user in store.users():
            state = "" if user.active else " (disabled)"
            typer.echo(
                f"{user.login}\t{user.name}\t{','.join(sorted(user.roles))}\t{user.unit}{state}"
            )


@_guarded
def user_passwd(db: DbArg, login: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Set a user's password (read from standard input); its sessions end."""
    with _open(db) as (_engine, store):
        if store.user(login) is None:
            _fail(f"{login}: no such user")
        store.set_password(login, _read_password(f"new password for {login}"))
        store.audit("password_reset", login, "cli", "命令行重置")
        typer.echo(f"password of {login} changed")


@_guarded
def user_disable(db: DbArg, login: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user (it can no longer sign in; its sessions end)."""
    with _open(db) as (_engine, store):
        store.update_user(login, active=False)
        store.audit("user_changed", login, "cli", "命令行停用")
        typer.echo(f"{login} disabled")


@_guarded
def token_add(
    db: DbArg,
    name: Annotated[str, typer.Argument(help="Account name (actor id api:NAME).")],
    roles: Annotated[str, typer.Option(help="Comma-separated roles.")],
    unit: Annotated[str, typer.Option(help="The unit whose cases it may see and act on.")],
) -> None:
    """Create a system account of the JSON API and print its token (shown only now)."""
    with _open(db) as (engine, store):
        _check_unit(engine, unit)
        token, account = store.add_token(name, roles=_roles(roles), unit=unit)
        store.audit("token_added", account.name, "cli", "命令行创建")
        typer.echo(token)


@_guarded
def token_revoke(db: DbArg, name: Annotated[str, typer.Argument(help="Account name.")]) -> None:
    """Revoke an account's token."""
    with _open(db) as (_engine, store):
        store.revoke_token(name)
        store.audit("token_revoked", name, "cli", "命令行停用")
        typer.echo(f"{name} revoked")


@_guarded
def webhook_add(
    db: DbArg,
    url: Annotated[str, typer.Argument(help="http(s) URL that receives the events.")],
    unit: Annotated[
        str | None, typer.Option(help="Only cases in this unit's subtree (default: all).")
    ] = None,
) -> None:
    """Register a webhook and print its signing secret (shown only now)."""
    with _open(db) as (engine, store):
        if unit is not None:
            _check_unit(engine, unit)
        hook = store.add_webhook(url, unit=unit)
        typer.echo(hook.secret)


@_guarded
def webhook_list(db: DbArg) -> None:
    """List the webhooks with their delivered and pending counts."""
    with _open(db) as (_engine, store):
        for hook in store.webhooks():
            done, pending, error = store.delivery_counts(hook.id)
            state = "active" if hook.active else "disabled"
            typer.echo(
                f"{hook.id}\t{hook.url}\t{hook.unit or '*'}\t{state}\t"
                f"delivered {done}, pending {pending}{'; ' + error if error else ''}"
            )
