"""The dispute documents of version 2 and the masking of ID and phone numbers.

权利义务告知书 (2002 规定 第三十条), 交办单 / 转办单 / 上报单 and 反馈报告 (2002 规定
第二十一条; 《信访工作条例》第二十二条), 移送函 (2002 规定 第二十二条、第二十四条;
三调联动), the remedies of 《人民调解法》第二十六条 in the 不予受理 and 终止 notices, and
issue 9 §5 masking (documents, CLI, logs).
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from mediation import Actor, Engine, ValidationError
from mediation._demo import CLERK, at, policy
from mediation.cli import app
from mediation.documents import DocumentRenderer
from mediation.model import LinkKind
from mediation.rules.dispute import Feedback, details, remedies
from mediation.rules.masking import (
    FULL_BY_DEFAULT,
    MaskingFormatter,
    MaskingPolicy,
    mask_id,
    mask_phone,
    mask_text,
)
from mediation.rules.referral import Direction
from mediation.workflows.dispute import DISPUTE
from tests.documents.conftest import (
    NAMES,
    Scenario,
    _scenario,
    assigned,
    closed,
    handed_off,
    informed,
    referred_up,
    refused,
    signed,
    terminated,
    transferred,
)

NEW_KINDS = {
    "rights_notice": informed,
    "referral_slip": assigned,
    "feedback_report": assigned,
    "transfer_letter": transferred,
}

FULL_IDS = ("332522196503120014", "332522197008250027", "332522195811040038")
FULL_PHONES = ("13800000001", "13800000002", "13800000003")


@pytest.fixture(scope="module")
def renderer() -> DocumentRenderer:
    """The renderer with the official templates."""
    return DocumentRenderer()


@pytest.fixture(scope="module")
def cases() -> dict[str, Scenario]:
    """The scenarios these tests render, each on its own engine."""
    return {
        "informed": _scenario(informed),
        "assigned": _scenario(assigned),
        "referred_up": _scenario(referred_up),
        "transferred": _scenario(transferred),
        "handed_off": _scenario(handed_off),
        "refused": _scenario(refused),
        "terminated": _scenario(terminated),
        "closed": _scenario(closed),
        "signed": _scenario(signed),
    }


def _case(cases: dict[str, Scenario], kind: str) -> Scenario:
    return cases[NEW_KINDS[kind].__name__]


# -- every new kind, every format ---------------------------------------------------------


def test_the_four_kinds_are_documents_of_dispute_version_2() -> None:
    """DISPUTE.documents lists the four kinds where a case meets them."""
    docs = DISPUTE.documents
    assert docs.index("rights_notice") == docs.index("registration") + 1
    after = docs.index("non_acceptance_notice")
    assert docs[after + 1 : after + 4] == ("referral_slip", "feedback_report", "transfer_letter")


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("kind", sorted(NEW_KINDS))
def test_new_kind_renders_as_text_and_html(
    kind: str, fmt: str, cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Each new kind renders in text and HTML with the case code and no full ID or phone."""
    output = _case(cases, kind).render(renderer, kind, format=fmt)
    assert isinstance(output, str)
    assert "（2026）" in output
    for number in FULL_IDS + FULL_PHONES:
        assert number not in output


@pytest.mark.parametrize("kind", sorted(NEW_KINDS))
def test_new_kind_renders_as_docx(
    kind: str, cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Each new kind converts to a Word file python-docx opens, its title a paragraph."""
    docx = pytest.importorskip("docx")
    data = _case(cases, kind).render(renderer, kind, format="docx")
    assert isinstance(data, bytes)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    title = {
        "rights_notice": "人民调解当事人权利义务告知书",
        "referral_slip": "矛盾纠纷交办单",
        "feedback_report": "交办事项反馈报告",
        "transfer_letter": "移送函",
    }[kind]
    assert title in texts


def test_each_kind_renders_through_the_engine() -> None:
    """engine.render serves the four kinds for a version-2 case (they are its documents)."""
    e = Engine.in_memory(policy=policy(), reader=Actor.system())
    case = assigned(e)
    for kind in ("rights_notice", "referral_slip", "feedback_report"):
        text = e.render(case.id, kind)
        assert isinstance(text, str)
        assert case.code in text


# -- 权利义务告知书 -------------------------------------------------------------------------


def test_rights_notice_states_rights_duties_and_when_told(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """人民调解法 第二十三条 (four rights), 第二十四条 (three duties), 2002 规定 第三十条 (told
    before mediation: when, how, by whom)."""
    text = cases["informed"].render(renderer, "rights_notice")
    for right in ("选择或者接受人民调解员", "拒绝调解或者要求终止调解", "公开进行或者不公开进行"):
        assert right in text
    for duty in ("如实陈述纠纷事实", "遵守调解现场秩序", "尊重对方当事人行使权利"):
        assert duty in text
    assert "第二十三条" in text
    assert "第二十四条" in text
    assert "第三十条" in text
    assert "告知时间：2026年3月2日10时20分" in text
    assert "告知方式：书面告知" in text
    assert "告知人：李登记" in text


def test_rights_notice_is_refused_before_acceptance(renderer: DocumentRenderer) -> None:
    """Rights are told to the parties of an accepted case, not of a mere registration."""
    from mediation._demo import run

    e = Engine.in_memory(policy=policy(), reader=Actor.system())
    case = run(e, stop_before="accept")
    with pytest.raises(ValidationError) as info:
        renderer.render("rights_notice", case, history=e.history(case.id), policy=e.policy)
    assert info.value.field == "case.state"


def test_rights_notice_before_it_was_told_prints_blank_date(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """An accepted case whose rights were not yet told gets the form with a blank date."""
    from mediation._demo import run

    e = Engine.in_memory(policy=policy(), reader=Actor.system())
    case = run(e, stop_before="inform_rights")
    text = renderer.render("rights_notice", case, history=e.history(case.id), policy=e.policy)
    assert "告知时间：　　年　　月　　日" in text


# -- 交办单 / 转办单 / 上报单 ----------------------------------------------------------------


def test_slip_title_follows_the_direction(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """交办单 down (with its report-back date), 上报单 up (2002 规定 第二十一条), 转办单 across."""
    down = cases["assigned"].render(renderer, "referral_slip")
    assert "矛盾纠纷交办单" in down
    assert "2026年3月17日前" in down
    assert down.splitlines()[0] == "东门镇人民调解委员会"  # the sender heads the slip
    up = cases["referred_up"].render(renderer, "referral_slip")
    assert "矛盾纠纷上报单" in up
    assert "疑难复杂，本级难以化解" in up
    assert "第二十一条" in up
    assert "已接收（2026年3月3日15时00分）" in up
    s = cases["referred_up"]
    r = details(s.case).referrals[-1]
    across = attrs.evolve(r, direction=Direction.across, reason="specialised")
    case = attrs.evolve(s.case, details=attrs.evolve(details(s.case), referrals=(across,)))
    text = renderer.render("referral_slip", case, history=s.history, policy=s.kwargs["policy"])
    assert "矛盾纠纷转办单" in text
    assert "不属于贵单位职责范围的，请说明理由退回" in text


def test_slip_of_a_returned_referral_prints_the_reason(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A returned referral prints 已退回 with the receiver's reasons."""
    s = cases["referred_up"]
    r = details(s.case).referrals[-1]
    back = attrs.evolve(r, outcome="returned", return_reason="属村内相邻纠纷，应由村调委会调解")
    case = attrs.evolve(s.case, details=attrs.evolve(details(s.case), referrals=(back,)))
    text = renderer.render("referral_slip", case, history=s.history, policy=s.kwargs["policy"])
    assert "已退回" in text
    assert "属村内相邻纠纷，应由村调委会调解" in text


@pytest.mark.parametrize("index", [5, -2, "0", True])
def test_slip_index_must_name_a_referral(
    index: Any, cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """extra["referral"] is the index of a recorded referral."""
    with pytest.raises(ValidationError) as info:
        cases["referred_up"].render(
            renderer, "referral_slip", extra={"names": NAMES, "referral": index}
        )
    assert info.value.field == "extra.referral"


def test_slip_needs_a_referral(cases: dict[str, Scenario], renderer: DocumentRenderer) -> None:
    """A case never referred has no slip."""
    with pytest.raises(ValidationError) as info:
        cases["informed"].render(renderer, "referral_slip")
    assert info.value.field == "case.referral"


# -- 反馈报告 -------------------------------------------------------------------------------


def test_feedback_report_on_time_and_late(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """The report names the assignment and whether it came by the date set (第二十二条)."""
    s = cases["assigned"]
    text = s.render(renderer, "feedback_report")
    assert "东门镇人民调解委员会：" in text
    assert "反馈期限：2026年3月17日" in text
    assert "按期反馈" in text
    assert "维修费数额尚在协商" in text
    late = Feedback(at("2026-03-18", 9), "qt-dm-dmc", "qt-dm", "迟报")
    case = attrs.evolve(s.case, details=attrs.evolve(details(s.case), feedback=(late,)))
    text = renderer.render("feedback_report", case, history=s.history, policy=s.kwargs["policy"])
    assert "逾期反馈" in text


def test_feedback_report_needs_a_report(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """No report back recorded: no report to print."""
    with pytest.raises(ValidationError) as info:
        cases["referred_up"].render(renderer, "feedback_report")
    assert info.value.field == "case.feedback"


# -- 移送函 ---------------------------------------------------------------------------------


def test_transfer_letter_names_organ_reason_and_measures(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """transfer_out: the organ, why, and the easing measures of 2002 规定 第二十四条."""
    text = cases["transferred"].render(renderer, "transfer_letter")
    assert "\n青田县公安局东门派出所：\n" in text
    assert "王五持械威胁张三" in text
    assert "王五交出所持木棍" in text
    assert "第二十四条" in text


def test_transfer_letter_of_a_hand_off_links_the_new_case(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """hand_off: the receiving organ and track, the consent, the linked case's code if given."""
    s = cases["handed_off"]
    text = s.render(renderer, "transfer_letter", extra={"linked_code": "（2026）东政字第0001号"})
    assert "东门镇人民政府：" in text
    assert "经当事人同意" in text
    assert "行政调解" in text
    assert "第三十七条" in text
    assert "案号：（2026）东政字第0001号" in text
    bare = s.render(renderer, "transfer_letter", extra={})
    assert "你单位接收后另行登记，两案互相关联" in bare


def test_the_engine_prints_the_linked_case_code_on_a_hand_off_letter() -> None:
    """engine.render passes the codes of linked cases: the 移送函 names the case the
    receiving organ registered, without the caller looking it up."""
    e = Engine.in_memory(policy=policy(), reader=Actor.system())
    case = handed_off(e)
    (link,) = [k for k in case.links if k.kind is LinkKind.handed_off_to]
    received = e.get(link.case_id)
    text = e.render(case.id, "transfer_letter")
    assert isinstance(text, str)
    assert f"案号：{received.code}" in text


def test_transfer_letter_needs_a_transfer(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A case neither transferred nor handed off has no transfer letter."""
    with pytest.raises(ValidationError):
        cases["informed"].render(renderer, "transfer_letter")


# -- the dossier lists them -------------------------------------------------------------------


def test_dossier_lists_slips_reports_and_letters_with_their_numbers() -> None:
    """卷内目录 lists each referral slip, report back and transfer letter; numbered once issued."""
    e = Engine.in_memory(policy=policy(), reader=Actor.system())
    case = assigned(e)
    text = e.render(case.id, "dossier_index")
    assert "矛盾纠纷交办单（2026年3月2日，东门村人民调解委员会）" in text
    assert "交办事项反馈报告（2026年3月9日，东门村人民调解委员会）" in text
    assert "已告知（2026年3月2日，书面告知" in text
    number = e.issue_document(case.id, "referral_slip", actor=CLERK, at=at("2026-03-10"))
    assert f"已出具（{number}）" in e.render(case.id, "dossier_index")
    other = transferred(e)
    assert re.search(r"附　移送函　按需　已生成", e.render(other.id, "dossier_index"))


def test_dossier_lists_the_non_acceptance_notice_of_version_2(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Version 2 refuses through ``accept`` (no ``refuse`` trigger): the notice is still listed."""
    assert "附　不予受理告知书" in cases["refused"].render(renderer, "dossier_index")


# -- the remedies of 第二十六条 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "scenario"),
    [
        ("non_acceptance_notice", "refused"),
        ("termination_notice", "terminated"),
    ],
)
def test_notices_list_every_remedy(
    kind: str, scenario: str, cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """The termination notice names the three channels of 第二十六条, the not-accepted notice
    where to go (2002 规定 第二十四条); both list every remedy the case has — but the
    not-accepted notice of a matter a court already accepted sends nobody to sue on it."""
    s = cases[scenario]
    text = s.render(renderer, kind)
    if kind == "termination_notice":
        assert "依法通过仲裁、行政、司法等途径维护自己的权利" in text
    else:
        assert "向有权处理的机关或者人民法院依法提出（《人民调解工作若干规定》第二十四条）" in text
        assert "已由青田县人民法院受理" in text
    for remedy in remedies(s.case, s.kwargs["policy"]):
        if kind == "non_acceptance_notice" and "提起诉讼" in remedy:
            assert remedy not in text  # the court holds it already
        else:
            assert remedy in text


@pytest.mark.parametrize(
    ("kind", "scenario"),
    [
        ("non_acceptance_notice", "refused"),
        ("termination_notice", "terminated"),
    ],
)
def test_a_labour_dispute_is_told_of_arbitration(
    kind: str, scenario: str, cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A labour dispute's notices name the arbitration committee (劳动争议调解仲裁法 第十四条)."""
    s = cases[scenario]
    case = attrs.evolve(s.case, intake=attrs.evolve(s.case.intake, category="labour"))
    text = renderer.render(kind, case, history=s.history, policy=s.kwargs["policy"])
    assert "仲裁途径：向劳动人事争议仲裁委员会申请仲裁" in text


def test_termination_after_a_party_refuses(renderer: DocumentRenderer) -> None:
    """A party's refusal after acceptance (第二十三条) gets the termination notice, with remedies."""
    from mediation._demo import MEDIATOR, run

    e = Engine.in_memory(policy=policy(), reader=Actor.system())
    cid = run(e, stop_before="agree").id
    e.fire(
        cid,
        "party_refuses",
        actor=MEDIATOR,
        at=at("2026-03-05"),
        party="p3",
        statement="不愿再调",
        remedies_informed=True,
    )
    text = e.render(cid, "termination_notice")
    assert "当事人王五要求终止调解（《人民调解法》第二十三条）" in text
    assert "依法向人民法院提起诉讼" in text


def test_unsigned_agreement_reads_not_yet_effective() -> None:
    """An agreement not signed by every party and the mediator prints 尚未生效 (第二十九条)."""
    from tests.documents.conftest import agreed_unsigned

    s = _scenario(agreed_unsigned)
    renderer = DocumentRenderer()
    for fmt in ("text", "html"):
        out = s.render(renderer, "mediation_agreement", format=fmt)
        assert "本协议尚未生效" in out


# -- masking -------------------------------------------------------------------------------

IDS = st.builds(
    lambda body, check: body + check,
    st.text("0123456789", min_size=17, max_size=17),
    st.sampled_from("0123456789X"),
) | st.text("0123456789", min_size=15, max_size=15)
PHONES = st.text("0123456789", min_size=11, max_size=11) | st.text(
    "0123456789-", min_size=1, max_size=16
).filter(lambda s: any(c.isdigit() for c in s))
ANY_NUMBER = st.text("0123456789Xx+- ", min_size=1, max_size=30)


@given(IDS)
def test_mask_id_hides_the_number(value: str) -> None:
    """A masked ID never contains the full number, keeps its length, first 6 and last 4."""
    masked = mask_id(value)
    assert value not in masked
    assert len(masked) == len(value)
    assert masked[:6] == value[:6]
    assert masked[-4:] == value[-4:]
    assert mask_id(masked) == masked


@given(PHONES)
def test_mask_phone_hides_the_number(value: str) -> None:
    """A masked phone never contains the full number, keeps its length; masking twice is once."""
    masked = mask_phone(value)
    assert value not in masked
    assert len(masked) == len(value)
    assert mask_phone(masked) == masked


@given(ANY_NUMBER)
def test_masking_is_total_length_keeping_and_idempotent(value: str) -> None:
    """Any text: same length, something hidden, idempotent — for IDs and phones alike."""
    for mask in (mask_id, mask_phone):
        masked = mask(value)
        assert len(masked) == len(value)
        assert "*" in masked
        assert mask(masked) == masked


@given(IDS, st.text("0123456789", min_size=9, max_size=9), st.text(max_size=20))
def test_mask_text_hides_ids_and_mobiles_in_prose(ident: str, rest: str, prose: str) -> None:
    """mask_text hides an ID and a mobile number written into free text; idempotent."""
    mobile = "13" + rest
    text = f"当事人{prose}，身份证{ident}，电话{mobile}。"
    masked = mask_text(text)
    assert ident not in masked
    assert mobile not in masked
    assert len(masked) == len(text)
    assert mask_text(masked) == masked


def test_masking_examples() -> None:
    """The common display forms: ID 6 + 8 stars + 4, phone 3 + 4 stars + 4, landline likewise."""
    assert mask_id("332522196503120014") == "332522********0014"
    assert mask_id("33252219650312X") == "332522*****312X"
    assert mask_phone("13800000001") == "138****0001"
    assert mask_text("座机0578-1234567") == "座机057*****4567"
    assert mask_text("+8613800000001") == "+86*******0001"
    assert (
        mask_text("案号（2026）东调字第0001号，金额3000元")
        == "案号（2026）东调字第0001号，金额3000元"
    )


def test_masking_policy_is_a_policy_part() -> None:
    """policy.part(MaskingPolicy): the agreement kinds in full by default; a set of kinds only."""
    from mediation.rules.policy import Policy

    assert Policy().part(MaskingPolicy).full_in == FULL_BY_DEFAULT
    assert Policy().part(MaskingPolicy).full("mediation_agreement")
    assert not Policy().part(MaskingPolicy).full("registration")
    with pytest.raises(ValidationError):
        MaskingPolicy(full_in="registration")  # type: ignore[arg-type]


def test_documents_mask_unless_the_policy_needs_them_in_full(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """The agreement and the confirmation application print IDs in full; the registration form
    and the application do not — until the policy says otherwise."""
    s = cases["signed"]
    agreement = s.render(renderer, "mediation_agreement")
    assert all(i in agreement for i in FULL_IDS)
    assert all(p in agreement for p in FULL_PHONES)
    application = s.render(
        renderer, "judicial_confirmation_application", extra={"court": "青田县人民法院"}
    )
    assert all(i in application for i in FULL_IDS)
    for kind in ("registration", "application"):
        out = s.render(renderer, kind)
        assert not any(i in out for i in FULL_IDS + FULL_PHONES)
        assert "332522********0014" in out
        assert "138****0001" in out
    mine = attrs.evolve(
        s.kwargs["policy"], parts=[MaskingPolicy(full_in=frozenset({"registration"}))]
    )
    assert all(i in s.render(renderer, "registration", policy=mine) for i in FULL_IDS)
    assert not any(i in s.render(renderer, "mediation_agreement", policy=mine) for i in FULL_IDS)


def test_numbers_written_into_the_summary_are_masked(
    cases: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A phone number a clerk typed into the summary or a claim is masked like a party's."""
    s = cases["closed"]
    intake = attrs.evolve(
        s.case.intake,
        summary="张三（电话13912345678）称王五加装雨棚。",
        claims=("联系王五13987654321协商",),
    )
    case = attrs.evolve(s.case, intake=intake)
    out = renderer.render("registration", case, history=s.history, policy=s.kwargs["policy"])
    assert "13912345678" not in out
    assert "139****5678" in out
    assert "13987654321" not in out


def test_log_lines_are_masked() -> None:
    """MaskingFormatter masks ID and phone numbers in every formatted log line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(MaskingFormatter("%(message)s"))
    logger = logging.getLogger("mediation.test_masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("party %s phone %s", "332522196503120014", "13800000001")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().strip() == "party 332522********0014 phone 138****0001"


# -- the command line ----------------------------------------------------------------------


def test_cli_demo_prints_parties_masked(tmp_path: Path) -> None:
    """`mediation demo` lists the parties with their IDs masked."""
    result = CliRunner().invoke(app, ["demo", "--db", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    assert "申请人：张三（332522********0014）" in result.output
    assert not any(i in result.output for i in FULL_IDS + FULL_PHONES)


def test_cli_render_masks_what_the_policy_masks(tmp_path: Path) -> None:
    """`mediation render` prints the registration form masked, the agreement in full."""
    db = tmp_path / "demo.db"
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--db", str(db)]).exit_code == 0
    with Engine.sqlite(str(db), readonly=True, reader=Actor.system()) as e:
        case_id = e.find(limit=1)[0].id
    form = runner.invoke(app, ["render", str(db), case_id, "registration"])
    assert form.exit_code == 0, form.output
    assert "332522********0014" in form.output
    assert not any(i in form.output for i in FULL_IDS)
    agreement = runner.invoke(app, ["render", str(db), case_id, "mediation_agreement"])
    assert agreement.exit_code == 0, agreement.output
    assert all(i in agreement.output for i in FULL_IDS)


def test_cli_errors_mask_numbers(tmp_path: Path) -> None:
    """An error line that quotes an ID or a phone number prints it masked."""
    org = tmp_path / "org.json"
    org.write_text('[{"id": "13800000001", "name": "332522196503120014", "level": "nope"}]')
    result = CliRunner().invoke(app, ["overdue", str(tmp_path / "x.db"), "--org", str(org)])
    assert result.exit_code == 2
    assert "13800000001" not in result.output
    assert "332522196503120014" not in result.output
