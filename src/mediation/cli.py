"""Command line: ``mediation demo | diagram | overdue | verify | render``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mediation import _demo
from mediation._errors import MediationError
from mediation.engine import Engine
from mediation.model import CHINA_TZ, Actor, Unit
from mediation.rules.org import OrgTree
from mediation.rules.policy import Policy

app = typer.Typer(
    help="mediation: case workflows for grassroots dispute mediation (矛盾纠纷调解) and petitions.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


@app.command()
def demo(
    db: Annotated[Path, typer.Option(help="SQLite file to write the demo case to.")] = Path(
        "mediation-demo.db"
    ),
) -> None:
    """Take a three-party neighbour dispute from intake to closure and print its timeline."""
    if db.exists():
        db.unlink()
    with Engine.sqlite(str(db), policy=_demo.policy(), reader=Actor.system()) as engine:
        case = _demo.run(engine)
        history = engine.history(case.id)
        definition = engine.definition(case.workflow, case.workflow_version)
        console.print(f"[bold]{case.code}[/bold]  {case.summary}")
        for p in case.parties:
            console.print(f"  {p.role.label}：{p.name}（{p.id_number}）")
        table = Table(title="办理过程 (timeline)")
        for col in ("#", "时间", "操作", "状态", "经办人"):
            table.add_column(col)
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
                rule.name_zh, d.start.isoformat(), d.due.isoformat(), d.status.label, rule.basis
            )
        console.print(clocks)
        report = engine.verify(case.id)
        console.print(
            f"状态：{definition.label_of(case.state)}；审计链校验："
            f"{'通过' if report.ok else '失败 ' + report.problem}（{report.events} 条记录）；"
            f"数据库：{db}"
        )


def _policy(org: Path | None) -> Policy:
    """The CLI's policy: the org tree from ``--org`` (JSON list of units), else the demo's."""
    if org is None:
        return _demo.policy()
    try:
        units = [Unit(**u) for u in json.loads(org.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError) as exc:
        console.print(f"[red]--org {org}: {exc}[/red]")
        raise typer.Exit(2) from exc
    return Policy(org=OrgTree(units))


OrgOption = Annotated[
    Path | None,
    typer.Option(help="JSON file: a list of units {id, name, level, parent, code_prefix}."),
]


@app.command()
def render(
    db: Annotated[Path, typer.Argument(help="SQLite file.")],
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    kind: Annotated[str, typer.Argument(help="Document kind, e.g. mediation_agreement.")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="text, html, docx or pdf.")
    ] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
    org: OrgOption = None,
) -> None:
    """Render a document of a case (text and html print when no file is given)."""
    with Engine.sqlite(str(db), policy=_policy(org), reader=Actor.system()) as engine:
        try:
            result = engine.render(case_id, kind, format=format)
        except MediationError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
    if output is None:
        if isinstance(result, bytes):
            console.print("[red]binary formats need --output FILE[/red]")
            raise typer.Exit(2)
        sys.stdout.write(result)
        return
    if isinstance(result, bytes):
        output.write_bytes(result)
    else:
        output.write_text(result, encoding="utf-8")
    console.print(f"wrote {output}")


@app.command()
def diagram(
    workflow: Annotated[str, typer.Argument(help="Workflow name.")] = "dispute",
    version: Annotated[int | None, typer.Option(help="Workflow version (default latest).")] = None,
) -> None:
    """Print a Mermaid state diagram of a workflow."""
    engine = Engine.in_memory()
    try:
        sys.stdout.write(engine.diagram(workflow, version))
    except MediationError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


@app.command()
def overdue(
    db: Annotated[Path, typer.Argument(help="SQLite file.")],
    at: Annotated[str | None, typer.Option(help="ISO date-time (default now).")] = None,
    warnings: Annotated[bool, typer.Option(help="Include yellow and red warnings.")] = False,
    limit: Annotated[int, typer.Option(help="Page size.")] = 50,
    org: OrgOption = None,
) -> None:
    """List overdue (and warning) clocks, earliest first."""
    when = dt.datetime.fromisoformat(at) if at else dt.datetime.now(CHINA_TZ)
    if when.tzinfo is None:
        when = when.replace(tzinfo=CHINA_TZ)
    with Engine.sqlite(str(db), policy=_policy(org), reader=Actor.system()) as engine:
        table = Table(title="超期与预警")
        for col in ("案件", "期限", "届满日", "预警"):
            table.add_column(col)
        for item in engine.due(at=when, warnings=warnings, limit=limit):
            case = engine.get(item.case_id)
            table.add_row(
                case.code,
                engine.clocks.rule(item.deadline.period).name_zh,
                item.deadline.due.isoformat() + ("（估算）" if item.deadline.estimated else ""),
                item.warning.label,
            )
        console.print(table)


@app.command()
def verify(
    db: Annotated[Path, typer.Argument(help="SQLite file.")],
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    org: OrgOption = None,
) -> None:
    """Verify a case's audit chain and replay."""
    with Engine.sqlite(str(db), policy=_policy(org), reader=Actor.system()) as engine:
        try:
            report = engine.verify(case_id)
        except MediationError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        console.print(report)
        if not report.ok:
            raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``mediation`` command."""
    app()
