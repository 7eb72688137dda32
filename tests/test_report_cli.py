"""``mediation report``: the 日碰头 / 周会商 / 月研判 figures as text, CSV and a chart."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from mediation import Actor, Engine
from mediation._demo import ORG, run
from mediation._errors import ValidationError
from mediation.report_cli import period_of, register


@pytest.fixture
def app() -> typer.Typer:
    """The report command on its own app (``mediation.cli`` registers it the same way)."""
    found = typer.Typer()
    register(found)
    found.command("noop")(lambda: None)  # two commands: typer keeps the command name
    return found


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An SQLite file with the organisation stored and the demo case, closed in March 2026."""
    path = tmp_path / "cases.db"
    with Engine.sqlite(path, reader=Actor.system()) as engine:
        engine.load_org(list(ORG), actor=Actor.system())
        run(engine)
    return path


def test_periods_follow_the_meeting_rhythm() -> None:
    """A month, an ISO week or any day of it (Monday to Sunday), a day; exactly one."""
    assert period_of(month="2026-02") == ("month", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_of(week="2026-W10") == ("week", dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert period_of(week="2026-03-04") == ("week", dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert period_of(day="2026-03-04") == ("day", dt.date(2026, 3, 4), dt.date(2026, 3, 4))
    with pytest.raises(ValidationError) as bad:
        period_of(month="2026-13")
    assert bad.value.field == "month"
    with pytest.raises(ValidationError) as none:
        period_of()
    assert none.value.field == "period"


def test_monthly_report_as_text_names_the_unit_and_the_figures(app: typer.Typer, db: Path) -> None:
    """月研判 of the town: received, 化解率, levels, durations, satisfaction, in Chinese."""
    result = CliRunner().invoke(app, ["report", str(db), "--month", "2026-03", "--unit", "qt-dm"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "月研判统计：东门镇人民调解委员会" in out
    assert "受理案件：1 件" in out
    assert "化解率：100.0%" in out
    assert "村（社区）：1（100.0%）" in out
    assert "回访满意度：100.0%" in out


def test_csv_report_has_one_row_per_figure(app: typer.Typer, db: Path) -> None:
    """CSV: metric, key, value; an undefined rate is empty."""
    result = CliRunner().invoke(app, ["report", str(db), "--week", "2026-W14", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["metric", "key", "value"]
    table = {(m, k): v for m, k, v in rows[1:]}
    assert table[("since", "")] == "2026-03-30"
    assert table[("closed", "agreement")] == "1"  # closed on Tue 31 March
    assert table[("on_time_duty", "")] == ""


def test_chart_is_written_with_chinese_labels(app: typer.Typer, db: Path, tmp_path: Path) -> None:
    """A non-empty PNG; no glyph is missing from the CJK font (warnings are errors)."""
    pytest.importorskip("matplotlib")
    chart = tmp_path / "report.png"
    result = CliRunner().invoke(
        app, ["report", str(db), "--month", "2026-03", "--chart", str(chart)]
    )
    assert result.exit_code == 0, result.output
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.stat().st_size > 10_000


def test_chart_is_skipped_without_matplotlib(
    app: typer.Typer, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without matplotlib the figures are printed and the chart is skipped with a note."""
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    chart = tmp_path / "report.png"
    result = CliRunner().invoke(
        app, ["report", str(db), "--day", "2026-03-02", "--chart", str(chart)]
    )
    assert result.exit_code == 0, result.output
    assert "受理案件：1 件" in result.output
    assert not chart.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-3"], "month"),
        (["--month", "2026-03", "--day", "2026-03-01"], "exactly one"),
        (["--month", "2026-03", "--format", "xml"], "format"),
        (["--month", "2026-03", "--unit", "nowhere"], "nowhere"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    app: typer.Typer, db: Path, args: list[str], message: str
) -> None:
    """Usage errors: exit code 2 and one line naming the problem, never a traceback."""
    result = CliRunner().invoke(app, ["report", str(db), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("chart", ["chart.txt", "noext", "sub", "sub/", ".", "missing/c.png"])
def test_a_chart_path_it_cannot_write_is_refused_before_any_work(
    app: typer.Typer, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chart: str
) -> None:
    """A --chart that is a directory, has no .png/.svg/.pdf suffix or lies in a missing
    directory: one line, exit code 2, nothing printed and no file written anywhere."""
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(app, ["report", str(db), "--month", "2026-03", "--chart", chart])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: --chart ")
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize(
    ("name", "magic"), [("r.svg", b"<?xml"), ("r.pdf", b"%PDF"), ("R.PNG", b"\x89PNG")]
)
def test_chart_as_svg_or_pdf(
    app: typer.Typer, db: Path, tmp_path: Path, name: str, magic: bytes
) -> None:
    """The suffix picks the format (any case)."""
    pytest.importorskip("matplotlib")
    chart = tmp_path / name
    result = CliRunner().invoke(
        app, ["report", str(db), "--month", "2026-03", "--chart", str(chart)]
    )
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(magic)
