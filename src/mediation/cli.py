"""Command line: ``mediation demo | diagram | overdue | verify | render``.

The command line never destroys and never dumps a traceback: ``demo`` only
replaces a database it marked as its own, the reading commands (``render``,
``overdue``, ``verify``) open the database read-only and never create it, and
every problem with the input (a missing, foreign or unreadable file, a bad
``--at`` or ``--org``) ends in one line on stderr and exit code 2.

Exit codes: 0 success; 1 ``verify`` found a broken chain; 2 a usage or input problem.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sqlite3
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec

import attrs
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from mediation import _demo
from mediation._errors import MediationError
from mediation._files import removed_on_failure, with_companions
from mediation.engine import Engine
from mediation.model import CHINA_TZ, Actor
from mediation.rules import deadlines
from mediation.rules.calendar import OfficialCalendar
from mediation.rules.masking import mask_id, mask_text
from mediation.rules.notices import Notice
from mediation.rules.org import OrgTree, units_from_file
from mediation.rules.policy import Policy

app = typer.Typer(
    help="mediation: case workflows for grassroots dispute mediation (矛盾纠纷调解) and petitions.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(width=None if sys.stdout.isatty() else 120)
"""Tables as wide as the terminal; 120 columns into a file or a pipe."""

DEMO_APPLICATION_ID = 0x4D444D4F
"""``PRAGMA application_id`` of a database ``mediation demo`` created ("MDMO")."""

_SQLITE_MAGIC = b"SQLite format 3\x00"

_P = ParamSpec("_P")


def _fail(message: str) -> NoReturn:
    """Print ``message`` as one line on stderr and exit with code 2."""
    line = "; ".join(part.strip() for part in message.splitlines() if part.strip())
    # an input error may quote a party's ID or phone number: never print it in full
    typer.secho(f"error: {mask_text(line)}", err=True, fg="red")
    raise typer.Exit(2)


def _describe(exc: BaseException) -> str:
    """One phrase for an error: ``path: reason`` for OS errors, else the message."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename is not None else exc.strerror
    return str(exc) or type(exc).__name__


def _guarded(command: Callable[_P, None]) -> Callable[_P, None]:
    """Run ``command``; a library, file or value error becomes one line and exit code 2."""

    @functools.wraps(command)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except (MediationError, OSError, ValueError, sqlite3.Error) as exc:
            _fail(_describe(exc))

    return run


def _reader(db: Path, policy: Policy) -> Engine:
    """A read-only engine on ``db``: never creates, migrates or writes the file.

    It runs with the organisation stored in the database (or ``--org``'s); a
    database from before organisations were stored falls back to the demo's.

    Raises:
        PersistenceError: a missing file or directory, a directory, not a
            database, or a schema older than this release.
    """
    engine = Engine.sqlite(str(db), readonly=True, policy=policy, reader=Actor.system())
    if engine.org is None:
        engine.close()
        fallback = attrs.evolve(policy, org=_demo.ORG)
        engine = Engine.sqlite(str(db), readonly=True, policy=fallback, reader=Actor.system())
    return engine


def _is_demo_database(path: Path) -> bool:
    """Whether ``path`` is an SQLite database carrying :data:`DEMO_APPLICATION_ID`."""
    with path.open("rb") as f:
        header = f.read(100)
    return (
        len(header) == 100
        and header.startswith(_SQLITE_MAGIC)
        and int.from_bytes(header[68:72], "big") == DEMO_APPLICATION_ID
    )


def _claim_demo_database(db: Path) -> None:
    """Create ``db`` as an empty database marked as the demo's.

    An existing file is replaced (with its ``-wal``, ``-shm`` and ``-journal``
    companions) only if it is a demo database; anything else ends the command.
    """
    if db.is_dir():
        _fail(f"{db}: is a directory, not a database file")
    if not db.parent.is_dir():
        _fail(f"{db.parent}: no such directory")
    companions = with_companions(db)[1:]
    if os.path.lexists(db):
        if not stat.S_ISREG(db.lstat().st_mode) or not _is_demo_database(db):
            _fail(f"{db}: the file exists and is not a demo database; choose another --db")
        for path in (db, *companions):
            path.unlink(missing_ok=True)
    else:
        for path in companions:
            if os.path.lexists(path):
                _fail(f"{path}: exists without its database; choose another --db")
    os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")


def _settle_demo_database(db: Path) -> None:
    """Leave the closed demo database as one self-contained file (rollback journal).

    A read-only open of a WAL database leaves ``-wal`` and ``-shm`` files behind;
    in rollback-journal mode the reading commands create nothing.
    """
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")


@app.command()
@_guarded
def demo(
    db: Annotated[Path, typer.Option(help="SQLite file to write the demo case to.")] = Path(
        "mediation-demo.db"
    ),
) -> None:
    """Take a three-party neighbour dispute from intake to closure and print its timeline.

    The database is created afresh; an existing file is replaced only if an
    earlier ``demo`` created it (anything else is refused with exit code 2).
    """
    path = db.absolute()
    _claim_demo_database(path)
    with Engine.sqlite(str(path), reader=Actor.system()) as engine:
        engine.load_org(_demo.ORG, actor=Actor.system(), at=_demo.at("2026-03-01", 8))
        case = _demo.run(engine)
        history = engine.history(case.id)
        definition = engine.definition(case.workflow, case.workflow_version)
        console.print(f"[bold]{case.code}[/bold]  {mask_text(case.summary)}")
        for p in case.parties:
            ident = p.identifier
            shown = (mask_id(ident) if p.id_number else ident) if ident else "—"
            console.print(f"  {p.role.label}：{p.name}（{shown}）")
        table = Table(title="办理过程 (timeline)")
        for col in ("#", "时间", "操作", "状态", "经办人"):
            table.add_column(col, overflow="fold")
        for e in history:
            table.add_row(
                str(e.seq),
                e.at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"),
                "受理登记" if e.trigger == "intake" else definition.label_of(e.trigger),
                definition.label_of(e.dest),
                e.actor,
            )
        console.print(table)
        clocks = Table(title="期限 (clocks)")
        for col in ("期限", "起算日", "届满日", "结果", "依据"):
            clocks.add_column(col)
        for d in case.deadlines:
            rule = engine.clocks.rule(d.period)
            clocks.add_row(
                rule.name_zh,
                d.start.isoformat(),
                d.due.isoformat(),
                deadlines.status_text(case, d),
                rule.basis,
            )
        console.print(clocks)
        report = engine.verify(case.id)
        console.print(
            f"状态：{definition.label_of(case.state)}；审计链校验："
            f"{'通过' if report.ok else '失败 ' + report.problem}（{report.events} 条记录）；"
            f"数据库：{db}"
        )
    _settle_demo_database(path)


def _policy(org: Path | None, notices: list[Path] | None = None) -> Policy:
    """The CLI's policy: the org tree from ``--org`` (JSON or TOML units), else the one
    stored in the database; the official calendar with the ``--notice`` files loaded.

    A file that cannot be read, is not JSON, has the wrong shape, or whose
    units the library refuses (unknown level or parent, a cycle) ends the
    command with one line and exit code 2; so does a notice file the
    library refuses (:class:`~mediation.rules.notices.Notice`).
    """
    policy = _policy_org(org)
    if notices:
        loaded = []
        for path in notices:
            try:
                loaded.append(Notice.from_file(path))
            except (MediationError, OSError, ValueError) as exc:
                _fail(f"--notice {path}: {_describe(exc)}")
        policy = attrs.evolve(policy, calendar=OfficialCalendar(notices=loaded))
    return policy


def _policy_org(org: Path | None) -> Policy:
    """Without ``--org``: no tree in the policy, so the engine uses the one stored."""
    if org is None:
        return Policy()
    try:
        return Policy(org=OrgTree(units_from_file(org)))
    except (ValueError, MediationError) as exc:
        _fail(f"--org {org}: {_describe(exc)}")


OrgOption = Annotated[
    Path | None,
    typer.Option(
        help="JSON or TOML file of units {id, name, level, parent, code_prefix, kind...} "
        "to use instead of the organisation stored in the database."
    ),
]
NoticeOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--notice",
        help="A State Council holiday notice (TOML or JSON) for a year not bundled yet; "
        "repeatable.",
    ),
]


def _check_output(output: Path) -> None:
    """Refuse an ``--output`` that is a directory or lies in a missing directory."""
    if output.is_dir():
        _fail(f"{output}: is a directory")
    if not output.parent.is_dir():
        _fail(f"{output.parent}: no such directory")


@app.command()
@_guarded
def render(
    db: Annotated[Path, typer.Argument(help="SQLite file.")],
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    kind: Annotated[str, typer.Argument(help="Document kind, e.g. mediation_agreement.")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="text, html, docx or pdf.")
    ] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
    org: OrgOption = None,
    notice: NoticeOption = None,
) -> None:
    """Render a document of a case (text and html print when no file is given).

    The database is opened read-only; ``--output`` may replace a file, never a directory.
    """
    policy = _policy(org, notice)
    if output is not None:
        _check_output(output)
    with _reader(db, policy) as engine:
        result = engine.render(case_id, kind, format=format)
    if output is None:
        if isinstance(result, bytes):
            _fail(f"{format}: binary formats need --output FILE")
        sys.stdout.write(result)
        return
    if isinstance(result, bytes):
        output.write_bytes(result)
    else:
        output.write_text(result, encoding="utf-8")
    console.print(f"wrote {output}")


@app.command()
@_guarded
def diagram(
    workflow: Annotated[str, typer.Argument(help="Workflow name.")] = "dispute",
    version: Annotated[int | None, typer.Option(help="Workflow version (default latest).")] = None,
) -> None:
    """Print a Mermaid state diagram of a workflow."""
    sys.stdout.write(Engine.in_memory().diagram(workflow, version))


def _instant(at: str | None) -> dt.datetime:
    """The instant of ``--at`` (``None``: now).

    An ISO date means the start of that day, an ISO date-time without an
    offset is China time; anything else ends the command with exit code 2.
    """
    if at is None:
        return dt.datetime.now(CHINA_TZ)
    try:
        when = dt.datetime.fromisoformat(at.strip())
    except ValueError:
        _fail(f"--at {at!r}: not an ISO date or date-time (e.g. 2026-03-01 or 2026-03-01T09:30)")
    return when if when.tzinfo is not None else when.replace(tzinfo=CHINA_TZ)


@app.command()
@_guarded
def overdue(
    db: Annotated[Path, typer.Argument(help="SQLite file.")],
    at: Annotated[
        str | None,
        typer.Option(help="ISO date (start of day) or date-time, China time (default now)."),
    ] = None,
    warnings: Annotated[bool, typer.Option(help="Include yellow and red warnings.")] = False,
    limit: Annotated[int, typer.Option(help="Page size.")] = 50,
    org: OrgOption = None,
    notice: NoticeOption = None,
) -> None:
    """List overdue (and warning) clocks, earliest first (the database is opened read-only).

    A provisional date (its year's holiday notice not yet out) is marked （暂定）.
    """
    when = _instant(at)
    policy = _policy(org, notice)
    with _reader(db, policy) as engine:
        table = Table(title="超期与预警")
        for col in ("案件", "期限", "种类", "届满日", "预警"):
            table.add_column(col, overflow="fold")
        for item in engine.due(at=when, warnings=warnings, limit=limit):
            case = engine.get(item.case_id)
            table.add_row(
                case.code,
                engine.clocks.rule(item.deadline.period).name_zh,
                item.kind.label,
                item.deadline.due.isoformat() + ("（暂定）" if item.deadline.estimated else ""),
                item.warning.label,
            )
        console.print(table)


@app.command()
@_guarded
def verify(
    db: Annotated[Path, typer.Argument(help="SQLite file.")],
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    org: OrgOption = None,
) -> None:
    """Verify a case's audit chain and replay (the database is opened read-only).

    Exit code 1 when the chain does not verify.
    """
    policy = _policy(org)
    with _reader(db, policy) as engine:
        report = engine.verify(case_id)
        console.print(report)
        if not report.ok:
            raise typer.Exit(1)


@app.command()
@_guarded
def recount(
    db: Annotated[Path, typer.Argument(help="SQLite file (opened for writing).")],
    notice: NoticeOption = None,
    at: Annotated[
        str | None,
        typer.Option(help="ISO date-time of the recount, China time (default now)."),
    ] = None,
    org: OrgOption = None,
) -> None:
    """Count provisional due dates afresh with the notices given (one audited step per case).

    Run it the day a year's State Council holiday notice is published, with
    the notice as a file (``--notice 2027.toml``); every date that moved is listed.
    """
    if not db.is_file():
        _fail(f"{db}: no such database file")
    when = _instant(at)
    policy = _policy(org, notice)
    with Engine.sqlite(str(db), create=False, policy=policy, reader=Actor.system()) as engine:
        report = engine.recompute_provisional(at=when)
        table = Table(title="按新日历重算的期限")
        for col in ("案件", "期限", "原届满日", "新届满日"):
            table.add_column(col, overflow="fold")
        for moved in report.moved:
            table.add_row(
                engine.get(moved.case_id).code,
                engine.clocks.rule(moved.period).name_zh,
                moved.before.isoformat(),
                moved.after.isoformat() + ("（暂定）" if moved.provisional else ""),
            )
        console.print(table)
        console.print(
            f"examined {report.examined} cases, changed {report.changed}, "
            f"{len(report.moved)} dates moved, {report.cleared} no longer provisional, "
            f"{report.still_provisional} still provisional"
        )
        for case_id, why in report.skipped:
            console.print(f"skipped {case_id}: {why}")
    if _is_demo_database(db):
        _settle_demo_database(db)


org_app = typer.Typer(help="The organisation stored in a database.", no_args_is_help=True)
app.add_typer(org_app, name="org")


@org_app.command("load")
@_guarded
def org_load(
    file: Annotated[Path, typer.Argument(help="JSON or TOML file of units.")],
    db: Annotated[Path, typer.Argument(help="SQLite file (created if missing).")],
) -> None:
    """Store an organisation in a database (one audited change; units are never deleted).

    A database the command created is removed again if the units are refused.
    """
    units = units_from_file(file)
    if db.is_dir():
        _fail(f"{db}: is a directory, not a database file")
    with removed_on_failure(db), Engine.sqlite(str(db), reader=Actor.system()) as engine:
        tree = engine.load_org(units, actor=Actor.system("cli"))
        console.print(f"stored {len(tree)} units in {db} (organisation change {tree.seq})")


@org_app.command("show")
@_guarded
def org_show(db: Annotated[Path, typer.Argument(help="SQLite file.")]) -> None:
    """Print the stored organisation as a tree (the database is opened read-only)."""
    with Engine.sqlite(str(db), readonly=True, reader=Actor.system()) as engine:
        org = engine.org
        if org is None:
            _fail(f"{db}: no organisation is stored (load one with: mediation org load FILE DB)")
        tree = Tree(f"组织机构（第{org.seq}次变更）")

        def add(node: Tree, unit_id: str) -> None:
            for child in org.children(unit_id):
                label = f"{child.name} [{child.id}] {org.ladder.label(child.level)}"
                if not child.active:
                    label += f"（已并入 {child.successor}）"
                add(node.add(escape(label)), child.id)

        # The labels are the stored text, not markup: "[town]" is a unit id to print, not
        # a style for rich to apply (and drop).
        for root in (u for u in org if u.parent is None and u.successor is None):
            label = f"{root.name} [{root.id}] {org.ladder.label(root.level)}"
            add(tree.add(escape(label)), root.id)
        console.print(tree)


def _extras() -> None:
    """Add the commands of the optional parts (``mediation.web``, ``mediation.simulation``).

    Each part's ``cli`` module has ``register(app)``; it imports its own heavy
    dependencies inside its commands, so the core install keeps a light CLI.
    """
    import importlib

    for name in ("mediation.web.cli", "mediation.simulation.cli", "mediation.report_cli"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # the part is not in this installation
            raise
        module.register(app)


_extras()


def main() -> None:
    """Entry point of the ``mediation`` command (and of ``python -m mediation.cli``)."""
    app()


if __name__ == "__main__":
    main()
