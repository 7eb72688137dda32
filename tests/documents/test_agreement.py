"""The agreement documents check the agreement before printing it (人民调解法 第二十八至三十三条)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest

from mediation import AgreementForm, ValidationError
from mediation.documents import DocumentRenderer
from mediation.rules.agreement import REQUIRED_ITEMS

from .conftest import Scenario


def _without(scenario: Scenario, **changes: Any) -> Scenario:
    details = scenario.case.details
    assert details.agreement is not None
    agreement = attrs.evolve(details.agreement, **changes)
    case = attrs.evolve(scenario.case, details=attrs.evolve(details, agreement=agreement))
    return attrs.evolve(scenario, case=case)


@pytest.mark.parametrize(
    "item", [i for i in REQUIRED_ITEMS if i.field != "parties"], ids=lambda i: i.field
)
def test_missing_item_is_named(
    item: object, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Each required item missing → ValidationError whose field is ``agreement.<field>``."""
    field = item.field  # type: ignore[attr-defined]
    empty = None if field == "performance_deadline" else (() if field == "terms" else "")
    case = _without(scenarios["signed"], **{field: empty})
    with pytest.raises(ValidationError) as info:
        case.render(renderer, "mediation_agreement")
    assert info.value.field == f"agreement.{field}"
    assert item.label in info.value.rule  # type: ignore[attr-defined]


def test_several_missing_items_are_all_named(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """All missing items are listed, not only the first."""
    case = _without(scenarios["signed"], facts="", performance_place="")
    with pytest.raises(ValidationError) as info:
        case.render(renderer, "mediation_agreement")
    assert info.value.field == "agreement.facts, agreement.performance_place"
    assert "纠纷的主要事实" in info.value.rule
    assert "履行的地点" in info.value.rule


def test_party_without_identity_is_missing_basic_information(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A party with neither ID nor address fails 当事人的基本情况 (field agreement.parties)."""
    s = scenarios["signed"]
    bare = attrs.evolve(s.case.parties[2], id_number=None, address=None)
    case = attrs.evolve(
        s.case, intake=attrs.evolve(s.case.intake, parties=(*s.case.parties[:2], bare))
    )
    with pytest.raises(ValidationError) as info:
        attrs.evolve(s, case=case).render(renderer, "mediation_agreement")
    assert info.value.field == "agreement.parties"


def test_oral_agreement_is_refused_and_pointed_to_the_register(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Asking for 人民调解协议书 on an oral agreement tells to use the register."""
    with pytest.raises(ValidationError) as info:
        scenarios["oral"].render(renderer, "mediation_agreement")
    assert info.value.field == "agreement.form"
    assert "oral_agreement_register" in info.value.rule
    text = scenarios["oral"].render(renderer, "oral_agreement_register")
    assert "王五当场向张三、李梅赔礼道歉" in text
    assert "《人民调解法》第三十条" in text


def test_the_register_is_dated_the_day_the_agreement_was_recorded(
    renderer: DocumentRenderer,
) -> None:
    """An oral agreement reached on 03-04 and recorded by the mediator on 03-06 (《人民调解法》
    第二十八条: 应当记录协议内容): the register shows when it was reached and took effect
    (第三十条) and is dated the day it was registered."""
    from mediation import Actor, Engine
    from mediation._demo import MEDIATOR, at, policy
    from mediation.rules.dispute import AgreementPolicy

    from .conftest import Scenario, _mediate

    engine_policy = attrs.evolve(policy(), parts=(AgreementPolicy(oral_limit=Decimal("5000")),))
    e = Engine.in_memory(policy=engine_policy, reader=Actor.system())
    cid = _mediate(e)
    case = e.fire(cid, "agree", actor=MEDIATOR, at=at("2026-03-06", 9, 0),
                  reached_at=at("2026-03-04", 16, 0),
                  agreement={"form": "oral", "terms": ["王五当场向张三、李梅赔礼道歉"],
                             "performance_manner": "当场履行",
                             "performance_place": "青田县东门镇东门村",
                             "performance_deadline": "2026-03-04"})  # fmt: skip
    text = Scenario(case, e.history(cid), {"policy": engine_policy}).render(
        renderer, "oral_agreement_register"
    )
    assert "达成协议时间：2026年3月4日16时00分" in text
    assert "自各方当事人达成协议之日（2026年3月4日）起生效" in text
    assert "登记日期：2026年3月6日" in text


def test_written_agreement_is_not_a_register(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """The register refuses a written agreement (it has its own form)."""
    with pytest.raises(ValidationError, match="mediation_agreement"):
        scenarios["signed"].render(renderer, "oral_agreement_register")


def test_no_agreement_is_refused(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A case without an agreement has no agreement document."""
    with pytest.raises(ValidationError) as info:
        scenarios["terminated"].render(renderer, "mediation_agreement")
    assert info.value.field == "agreement"


def test_signature_status_effect_and_copies(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Effective at the latest signature/seal; copies = parties + 1; 30-day confirmation shown."""
    text = scenarios["signed"].render(renderer, "mediation_agreement")
    assert "本协议已于2026年3月6日17时00分生效" in text  # the seal came last
    assert "一式四份" in text  # three parties + the committee
    assert "申请期限至2026年4月7日" in text  # the engine's clock: 4月5日 is a holiday
    assert text.count("已签署") == 5


def test_unsigned_agreement_says_who_must_still_sign(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A draft lists the missing signatures and the seal, and has no effective date."""
    text = scenarios["agreed_unsigned"].render(renderer, "mediation_agreement")
    assert "本协议尚未生效，待：李梅签名、王五签名、调解员签名、人民调解委员会盖章" in text
    assert "申请期限至" not in text


def test_confirmation_deadline_without_engine_clock(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Without the engine's clock the period table is computed as the engine would.

    Effective 2026-03-06 + 30 days = 2026-04-05, inside 清明 (4-4..4-6) → 2026-04-07.
    """
    s = scenarios["signed"]
    case = attrs.evolve(s.case, deadlines=())
    text = attrs.evolve(s, case=case).render(renderer, "mediation_agreement")
    assert "申请期限至2026年4月7日" in text


def test_judicial_confirmation_is_joint_and_uses_ruling_wording(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Every party applies (jointly) for a 裁定 within the 30 days (第三十三条; 民诉法 第二百零五条)."""
    text = scenarios["signed"].render(renderer, "judicial_confirmation_application")
    for name in ("张三", "李梅", "王五"):
        assert f"申请人：{name}" in text
    assert "被申请人" not in text
    assert "依法裁定确认" in text
    assert "决定书" not in text
    assert "第二百零五条" in text
    assert "至2026年4月7日" in text


def test_judicial_confirmation_refused_after_thirty_days(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A late application is refused (the statute allows no late filing)."""
    with pytest.raises(ValidationError) as info:
        scenarios["signed"].render(
            renderer, "judicial_confirmation_application", today=dt.date(2026, 4, 8)
        )
    assert info.value.field == "today"


def test_judicial_confirmation_refused_before_effect(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """An agreement not yet in effect cannot be confirmed."""
    with pytest.raises(ValidationError) as info:
        scenarios["agreed_unsigned"].render(renderer, "judicial_confirmation_application")
    assert info.value.field == "agreement.signatures"


def test_oral_form_enum_is_the_model_one(scenarios: dict[str, Scenario]) -> None:
    """The oral example really carries an oral agreement (guards the fixture itself)."""
    agreement = scenarios["oral"].case.details.agreement
    assert agreement is not None
    assert agreement.form is AgreementForm.oral
