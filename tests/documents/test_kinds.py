"""The registry, template lookup, and what each kind requires of the case."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from mediation import MediationError, ValidationError
from mediation.documents import FORMATS, DocumentKind, DocumentRenderer, _render
from mediation.rules.dispute import remedies

from .conftest import Scenario

SRC = Path(__file__).resolve().parents[2] / "src" / "mediation"


def test_kinds_have_chinese_titles(renderer: DocumentRenderer) -> None:
    """kinds() lists the dispute documents in the order of a case, each with a Chinese title.

    Other workflows' kinds (petitions) follow them; their order is theirs.
    """
    kinds = renderer.kinds()
    assert all(isinstance(k, DocumentKind) for k in kinds)
    expected = [
        "application",
        "registration",
        "non_acceptance_notice",
        "mediation_record",
        "mediation_agreement",
        "oral_agreement_register",
        "judicial_confirmation_application",
        "termination_notice",
        "callback_record",
        "closing_report",
        "dossier_index",
        "supervision_notice",
    ]
    assert [k.kind for k in kinds if k.kind in expected] == expected
    titles = {k.kind: k.title for k in kinds}
    assert titles["mediation_agreement"] == "人民调解协议书"
    assert titles["judicial_confirmation_application"] == "司法确认申请书"
    assert all(re.fullmatch(r"[\u4e00-\u9fff（）]+", k.title) for k in kinds)
    assert FORMATS == ("text", "html", "docx", "pdf")


def test_every_kind_has_both_templates(renderer: DocumentRenderer) -> None:
    """Adding a kind means adding its .txt.j2 and .html.j2 templates."""
    official = _render.official_dir()
    for k in renderer.kinds():
        for suffix in ("txt", "html"):
            assert (official / f"{k.kind}.{suffix}.j2").is_file(), f"{k.kind}.{suffix}.j2"


def test_templates_found_through_the_installed_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's own templates directory (the wheel layout) is preferred to the source tree."""
    installed = tmp_path / "templates" / "documents"
    installed.mkdir(parents=True)
    monkeypatch.setattr("importlib.resources.files", lambda package: tmp_path)
    assert _render.official_dir() == installed
    installed.rmdir()
    assert _render.official_dir() == SRC.parents[1] / "templates" / "documents"


def test_only_documents_imports_the_rendering_libraries() -> None:
    """Jinja2, docxtpl, python-docx and WeasyPrint are imported by mediation.documents only
    (and by the committee app, mediation.web, for its own pages)."""
    pattern = re.compile(r"^\s*(from|import)\s+(jinja2|docxtpl|docx|weasyprint|markupsafe)\b", re.M)
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "documents" not in path.parts
        and "web" not in path.parts
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_unknown_kind_and_bad_extra(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Unknown kinds and non-plain ``extra`` values are ValidationErrors."""
    with pytest.raises(ValidationError) as info:
        scenarios["closed"].render(renderer, "no_such_kind")
    assert info.value.field == "kind"
    with pytest.raises(ValidationError) as info:
        scenarios["closed"].render(renderer, "application", extra={"x": object()})
    assert info.value.field == "extra.x"


def test_render_date_comes_from_history_not_the_clock(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """The default render date is the latest event's date (reproducible renders)."""
    text = scenarios["closed"].render(renderer, "judicial_confirmation_application")
    assert text.rstrip().endswith("2026年3月31日")
    s = scenarios["closed"]
    no_history = attrs.evolve(s, history=[])
    text = no_history.render(renderer, "callback_record", today=dt.date(2026, 4, 1))
    assert "2026年3月30日" in text


@pytest.mark.parametrize(
    ("kind", "scenario", "field"),
    [
        ("non_acceptance_notice", "closed", "case.state"),
        ("termination_notice", "closed", "case.state"),
        ("mediation_record", "refused", "case.state"),
        ("callback_record", "signed", "case.visits"),
        ("closing_report", "signed", "case.state"),
        ("supervision_notice", "closed", "case.deadlines"),
    ],
)
def test_kind_refuses_a_case_it_does_not_fit(
    kind: str, field: str, scenario: str, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A document is not printed for a case in the wrong situation (a silent blank is worse)."""
    with pytest.raises(ValidationError) as info:
        scenarios[scenario].render(renderer, kind)
    assert info.value.field == field


def test_termination_notice_lists_the_other_remedies(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """人民调解法 第二十六条: the three channels are named, and every remedy the case has
    (rules.dispute.remedies: the basic-level government, the court) is listed; with no
    agreement, nothing cites the agreement's articles (2002 规定 第三十七条, 第三十二条)."""
    s = scenarios["terminated"]
    text = s.render(renderer, "termination_notice")
    assert "第二十六条" in text
    assert "依法通过仲裁、行政、司法等途径维护自己的权利" in text
    for remedy in remedies(s.case, s.kwargs["policy"]):
        assert remedy in text
    assert "请求基层人民政府或者有关行政机关处理" in text
    assert "依法向人民法院提起诉讼" in text
    assert "第三十七条" not in text
    assert "第三十二条" not in text
    assert "双方对赔偿数额分歧较大" in text


def test_termination_without_informing_remedies_is_refused(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A history that says the remedies were not told cannot produce the notice."""
    s = scenarios["terminated"]
    last = attrs.evolve(s.history[-1], data={"reason": "x", "remedies_informed": False})
    with pytest.raises(ValidationError) as info:
        attrs.evolve(s, history=[*s.history[:-1], last]).render(renderer, "termination_notice")
    assert info.value.field == "remedies_informed"


def test_supervision_notice_names_clock_due_date_overdue_days_and_basis(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """督办通知: the clock, its due date, days overdue and the legal basis. The people's
    mediation month is a target (2002 规定 第三十三条: "一般在一个月内调结"): past it, the
    case is past its usual time, not overdue."""
    text = scenarios["overdue"].render(renderer, "supervision_notice")
    assert "“人民调解调结”" in text
    assert "应于2026年4月2日届满" in text
    assert "已超过一般期限18日" in text
    assert "未在一般期限内办结的原因" in text
    assert "超期" not in text
    assert "《人民调解工作若干规定》(2002) 第三十三条" in text
    assert text.startswith("东门镇人民调解委员会\n督办通知")


def test_supervision_notice_uses_the_callers_clock_rule(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """``clock_rule`` (e.g. a local policy) supplies the clock's name and basis."""

    @attrs.frozen
    class Rule:
        name_zh: str = "本地调结时限"
        basis: str = "某县矛盾纠纷调处办法第八条"

    text = scenarios["overdue"].render(
        renderer, "supervision_notice", clock_rule=lambda period_id: Rule()
    )
    assert "“本地调结时限”" in text
    assert "某县矛盾纠纷调处办法第八条" in text


def test_supervision_notice_for_a_named_deadline(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """``extra["deadline"]`` must name an overdue clock of the case."""
    s = scenarios["overdue"]
    met = next(d for d in s.case.deadlines if d.period == "dispute_acceptance")
    with pytest.raises(ValidationError) as info:
        s.render(renderer, "supervision_notice", extra={"deadline": met.id})
    assert info.value.field == "extra.deadline"


def test_errors_are_mediation_errors(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Every refusal of the renderer is a MediationError."""
    bad_calls: list[Callable[[], object]] = [
        lambda: scenarios["closed"].render(renderer, "x"),
        lambda: scenarios["closed"].render(renderer, "application", format="rtf"),
        lambda: scenarios["closed"].render(renderer, "callback_record", extra={"visit": 7}),
        lambda: DocumentRenderer(max_output=0),
        lambda: DocumentRenderer(timeout=-1),
    ]
    for call in bad_calls:
        with pytest.raises(MediationError):
            call()


def test_docstring_examples_run() -> None:
    """The examples in the documents package's docstrings are true."""
    import doctest

    from mediation.documents import _renderer

    result = doctest.testmod(_renderer)
    assert result.attempted > 0
    assert result.failed == 0
