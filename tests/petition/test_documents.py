"""The petition, 包案 and 访调对接 documents: golden text and HTML, the checks before rendering,
DOCX from the same HTML, and committee-edited templates in the same sandbox.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/petition`` and review
the diff of ``tests/petition/golden/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mediation import Actor, Engine, ValidationError
from mediation._demo import agreement
from mediation.documents import DocumentRenderer

from .conftest import (
    BUREAU,
    CITY,
    COUNTY,
    COUNTY_LEADER,
    MEDIATOR,
    OPINION_DATA,
    TOWN,
    at,
    engine,
    letter,
    mediate,
    petitioners,
    visit,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NAMES = {"ld-county": "周明", "ld-town": "吴强", "dm-staff": "东门镇工作人员"}

PLAN: dict[str, Any] = {
    "officer": "东门镇信访办主任李华",
    "team": ["镇司法所", "村两委"],
    "plan": "现场核查排水情况，组织双方协商。",
    "timetable": [{"due": "2026-03-20", "task": "现场核查"}, {"due": "2026-04-30", "task": "化解"}],
}


def _accepted(e: Engine) -> str:
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    return e.fire(case.id, "accept", actor=TOWN, at=at("2026-03-03", 10)).id


def _extended(e: Engine) -> str:
    """Accepted on 03-03 (60 days to 05-06); on 04-20 the town's head extends it by 30 days,
    the petitioner told why (第三十四条)."""
    cid = _accepted(e)
    handling = next(d for d in e.get(cid).deadlines if d.period == "petition_handling")
    e.fire(cid, "extend_deadline", actor=TOWN, at=at("2026-04-20", 10), deadline=handling.id,
           length=30, approver="organ_head", reason="涉及多户排水改造，需会同住建部门现场勘验",
           petitioner_notified=True)  # fmt: skip
    return cid


def _refused(e: Engine) -> str:
    case = visit(e, "2026-03-02", "ls", CITY, details={"competent": "qt-dm"})
    return e.fire(case.id, "not_accept", actor=CITY, at=at("2026-03-02", 10), guide_unit="qt").id


def _assigned(e: Engine) -> str:
    case = letter(e, "2026-03-02")
    return e.fire(
        case.id,
        "route",
        actor=BUREAU,
        at=at("2026-03-03"),
        to="qt-dm",
        mode="assign",
        report_due="2026-04-30",
    ).id


def _replied(e: Engine) -> str:
    cid = _accepted(e)
    return e.fire(cid, "opine", actor=TOWN, at=at("2026-03-20", 15), **OPINION_DATA).id


def _reviewed(e: Engine) -> str:
    cid = _replied(e)
    case = e.fire(cid, "request_review", actor=COUNTY, at=at("2026-03-25"), reason="不服")
    review = case.links[-1].case_id
    return e.fire(review, "opine", actor=COUNTY, at=at("2026-04-10"), **OPINION_DATA).id


def _final(e: Engine) -> str:
    review = _reviewed(e)
    case = e.fire(review, "request_review", actor=CITY, at=at("2026-04-15"), reason="不服")
    final = case.links[-1].case_id
    e.fire(final, "hold_hearing", actor=CITY, at=at("2026-04-20"))
    e.fire(final, "end_hearing", actor=CITY, at=at("2026-04-22"))
    return e.fire(final, "opine", actor=CITY, at=at("2026-05-06"), **OPINION_DATA).id


def _baoan(e: Engine) -> str:
    cid = _accepted(e)
    e.fire(
        cid,
        "baoan_assign",
        actor=COUNTY_LEADER,
        at=at("2026-03-04"),
        leader="ld-county",
        reason="群众反映强烈",
        **PLAN,
    )
    return cid


def _signed(e: Engine) -> str:
    cid = _baoan(e)
    e.fire(
        cid,
        "baoan_duty",
        actor=COUNTY_LEADER,
        at=at("2026-03-10"),
        kind="visit",
        note="到东门村现场察看",
    )
    e.fire(
        cid,
        "baoan_duty",
        actor=COUNTY_LEADER,
        at=at("2026-03-12"),
        kind="interview",
        note="约谈王五",
    )
    e.fire(
        cid,
        "baoan_sign_off",
        actor=COUNTY_LEADER,
        at=at("2026-03-20"),
        result="王五已改造雨棚，赔偿到位",
    )
    return cid


def _handed(e: Engine) -> str:
    cid = _accepted(e)
    case = e.fire(
        cid,
        "hand_to_mediation",
        actor=TOWN,
        at=at("2026-03-04"),
        committee="qt-dm-tw",
        consents=["p1", "p2"],
    )
    dispute = case.links[-1].case_id
    mediate(e, dispute, day="2026-03-05")
    e.fire(dispute, "agree", actor=MEDIATOR, at=at("2026-03-06", 9), agreement=agreement())
    return cid


def _settled(e: Engine) -> str:
    cid = _accepted(e)
    return e.fire(
        cid,
        "settle",
        actor=TOWN,
        at=at("2026-03-10"),
        form="mediation",
        terms="王五于2026年3月31日前拆除雨棚，赔偿张三墙体维修费2,000元。",
        consents=["p1", "p2"],
        within_discretion=True,
        signed_by=["p1", "p2"],
    ).id


CASES: dict[str, Callable[[Engine], str]] = {
    "petition_acceptance_notice": _accepted,
    "petition_extension_notice": _extended,
    "petition_non_acceptance_notice": _refused,
    "petition_transfer_letter": _assigned,
    "petition_handling_opinion": _replied,
    "petition_review_opinion": _reviewed,
    "petition_rereview_opinion": _final,
    "baoan_plan": _baoan,
    "baoan_sign_off": _signed,
    "fangtiao_consent": _handed,
    "petition_settlement": _settled,
}
"""Which case each kind is rendered from."""


def _check(name: str, output: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(output, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert output == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("kind", sorted(CASES))
def test_kind_matches_golden(kind: str) -> None:
    """Every petition kind renders, in text and HTML, exactly as its reviewed golden file;
    the case replays."""
    e = engine()
    cid = CASES[kind](e)
    for fmt, suffix in (("text", "txt"), ("html", "html")):
        output = e.render(cid, kind, format=fmt, extra={"names": NAMES})
        assert isinstance(output, str)
        _check(f"{kind}.{suffix}", output)
    assert e.verify(cid).ok


def test_every_petition_kind_has_a_golden_case_and_no_stray_files() -> None:
    """A new petition kind cannot ship without golden files; removed ones do not linger."""
    kinds = {k.kind for k in DocumentRenderer().kinds()}
    mine = {k for k in kinds if k.startswith(("petition_", "baoan_", "fangtiao_"))}
    assert mine == set(CASES)
    expected = {f"{k}.{s}" for k in CASES for s in ("txt", "html")}
    assert {p.name for p in GOLDEN.iterdir()} == expected


@pytest.mark.parametrize(
    ("kind", "build"),
    [
        ("petition_acceptance_notice", lambda e: letter(e, "2026-03-02").id),
        ("petition_handling_opinion", _accepted),
        ("petition_review_opinion", _replied),
        ("baoan_sign_off", _baoan),
        ("fangtiao_consent", _accepted),
        ("petition_transfer_letter", _accepted),
        ("petition_settlement", _accepted),
    ],
)
def test_a_document_the_case_does_not_support_is_refused(
    kind: str, build: Callable[[Engine], str]
) -> None:
    """Checks before rendering: no acceptance notice before acceptance, no opinion before it
    is given, no sign-off sheet before the sign-off..."""
    e = engine()
    cid = build(e)
    with pytest.raises(ValidationError):
        e.render(cid, kind)


def test_docx_comes_from_the_same_html() -> None:
    """DOCX is laid out from the HTML rendering (the [docx] extra)."""
    pytest.importorskip("docx")
    e = engine()
    cid = _replied(e)
    data = e.render(cid, "petition_handling_opinion", format="docx")
    assert isinstance(data, bytes)
    assert data[:2] == b"PK"


def test_a_committee_edited_template_renders_in_the_same_sandbox(tmp_path: Path) -> None:
    """An override of a petition template is used, and one reaching outside the sandbox fails."""
    from mediation import DocumentRenderError

    (tmp_path / "petition_acceptance_notice.txt.j2").write_text(
        "受理：{{ case.code }}，{{ accepted }}", encoding="utf-8"
    )
    e = Engine.in_memory(
        policy=engine().policy,
        reader=Actor.system(),
        documents=DocumentRenderer(overrides=tmp_path),
    )
    cid = _accepted(e)
    assert (
        e.render(cid, "petition_acceptance_notice") == "受理：（2026）东镇字第0001号，2026年3月3日"
    )
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "petition_handling_opinion.txt.j2").write_text(
        "{{ case.__class__.__mro__ }}", encoding="utf-8"
    )
    e2 = Engine.in_memory(
        policy=engine().policy,
        reader=Actor.system(),
        documents=DocumentRenderer(overrides=bad),
    )
    cid2 = _replied(e2)
    with pytest.raises(DocumentRenderError):
        e2.render(cid2, "petition_handling_opinion")


def test_the_extension_notice_needs_an_extension_and_tells_the_reason() -> None:
    """第三十四条: the petitioner is told why the handling period was extended. Without an
    extension there is nothing to tell; with two, the notice states the whole extension
    (10 + 20 days: 05-06 → 06-01) and the latest reason and day."""
    e = engine()
    cid = _accepted(e)
    with pytest.raises(ValidationError, match="not extended"):
        e.render(cid, "petition_extension_notice")
    handling = next(d for d in e.get(cid).deadlines if d.period == "petition_handling")
    for day, length, why in (
        ("2026-04-20", 10, "待鉴定"),
        ("2026-05-06", 20, "须会同住建部门勘验"),
    ):
        e.fire(cid, "extend_deadline", actor=TOWN, at=at(day, 9), deadline=handling.id,
               length=length, approver="organ_head", reason=why, petitioner_notified=True)  # fmt: skip
    text = str(e.render(cid, "petition_extension_notice"))
    assert "原定于2026年5月6日前办结" in text
    assert "因须会同住建部门勘验，经本机关负责人批准，该事项的办理期限延长30日" in text
    assert "延长后于2026年6月1日前办结" in text
    assert text.rstrip().endswith("2026年5月6日")
