"""Outputs: the same seed gives byte-identical CSV and JSON, another seed other figures;
charts exist, are not empty, and carry Chinese axis labels drawn in a CJK font."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mediation.simulation import (
    Result,
    SimulationError,
    cjk_font,
    draw_charts,
    parse_scenario,
    render_charts,
    run,
    schema,
    write_outputs,
)
from mediation.simulation._output import OUTPUT_FILES
from mediation.simulation._stats import interval, t_quantile

from .tiny import small

CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def results() -> list[Result]:
    """The small scenario and a variant with one more village mediator, 3 replications each."""
    scenario = parse_scenario(small(rate=900.0))
    more = scenario.variant(
        {"capacity.village.mediators": 3, "scenario.name": "more", "scenario.title": "多一名调解员"}
    )
    return [run(scenario, seed=5, replications=3), run(more, seed=5, replications=3)]


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path, results: list[Result]) -> None:
    """Two runs with seed 5 write the same bytes; nothing in them depends on when or where."""
    scenario = results[0].scenario
    again = [run(scenario, seed=5, replications=3), results[1]]
    one = write_outputs(results, tmp_path / "one")
    two = write_outputs(again, tmp_path / "two")
    assert [p.name for p in one] == list(OUTPUT_FILES)
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    text = (tmp_path / "one" / "results.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert "/work" not in text


def test_another_seed_gives_other_figures(results: list[Result]) -> None:
    """Seed 6 differs from seed 5 in its KPIs (and replications differ among themselves)."""
    other = run(results[0].scenario, seed=6, replications=3)
    assert [r.kpis for r in other.replications] != [r.kpis for r in results[0].replications]
    firsts = [r.kpis["arrivals"] for r in results[0].replications]
    assert len(set(firsts)) > 1


def test_the_json_has_a_stable_schema(tmp_path: Path, results: list[Result]) -> None:
    """results.json lists the metrics in schema order, every replication has every metric,
    and the summary carries n, mean, sd and the interval."""
    write_outputs(results, tmp_path)
    doc = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "mediation.simulation/1"
    first = doc["scenarios"][0]
    assert first["metrics"] == schema(results[0].scenario)
    for rep in first["replications"]:
        assert list(rep["kpis"]) == first["metrics"]
        assert rep["problems"] == []
        assert rep["errors"] == {}
    assert set(first["summary"]["success_rate"]) == {"n", "mean", "sd", "ci_low", "ci_high"}
    rows = (tmp_path / "kpis.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "scenario,replication,seed,metric,value"
    assert len(rows) == 1 + 2 * 3 * len(first["metrics"])


def test_outputs_never_overwrite_without_being_asked(tmp_path: Path, results: list[Result]) -> None:
    """A second write into the same directory is refused unless overwrite is given."""
    write_outputs(results, tmp_path)
    with pytest.raises(SimulationError, match="exists already"):
        write_outputs(results, tmp_path)
    write_outputs(results, tmp_path, overwrite=True)
    with pytest.raises(SimulationError, match="names must differ"):
        write_outputs([results[0], results[0]], tmp_path / "x")


def test_charts_exist_with_chinese_labels_in_a_cjk_font(
    tmp_path: Path, results: list[Result]
) -> None:
    """backlog, funnel, breaches and (for two scenarios) compare: PNG files of some size,
    every axis labelled in Chinese, every text drawn in the CJK font found."""
    paths = render_charts(results, tmp_path)
    assert [p.name for p in paths] == ["backlog.png", "funnel.png", "breaches.png", "compare.png"]
    for path in paths:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG"), path.name
        assert len(data) > 20_000, path.name
    font = cjk_font()
    for name, figure in draw_charts(results).items():
        for ax in figure.axes:
            for label in (ax.get_xlabel() or ax.get_title(), ax.get_ylabel()):
                assert CJK.search(label), (name, label)
            assert ax.yaxis.label.get_fontname() == font
            assert ax.has_data()
    assert len(draw_charts(results[:1])) == 3  # no comparison for one scenario


def test_without_a_cjk_font_charts_fail_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, results: list[Result], tmp_path: Path
) -> None:
    """No CJK font installed: SimulationError naming the package to install; no file written."""
    from matplotlib import font_manager

    latin = [
        f
        for f in font_manager.fontManager.ttflist
        if not CJK.search(f.name) and "WenQuanYi" not in f.name
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    with pytest.raises(SimulationError, match="fonts-wqy-microhei"):
        render_charts(results, tmp_path / "charts")
    assert not (tmp_path / "charts").exists()


def test_t_quantiles_match_the_tables() -> None:
    """Student t quantiles (two-sided 95 %, 90 %, 99 %) against the printed tables."""
    table = {
        (0.975, 1): 12.706,
        (0.975, 2): 4.303,
        (0.975, 4): 2.776,
        (0.975, 9): 2.262,
        (0.975, 29): 2.045,
        (0.95, 10): 1.812,
        (0.995, 5): 4.032,
    }
    for (p, df), value in table.items():
        assert t_quantile(p, df) == pytest.approx(value, abs=5e-4)
    iv = interval([1.0, 2.0, 3.0], 0.95)
    assert (iv.n, iv.mean, iv.sd) == (3, 2.0, 1.0)
    assert iv.low == pytest.approx(2.0 - 4.303 / 3**0.5, abs=1e-3)
    assert interval([5.0], 0.95).low is None
