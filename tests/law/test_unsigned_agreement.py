"""An agreement reached but not signed by every party binds no one (《人民调解法》第二十九条
第二款): the case is not stuck in ``agreed``. A party may refuse to go on (第二十三条), the
mediator may end the mediation (第二十六条), the applicant may withdraw; once the agreement
is in effect it binds (第三十一条) and none of these is taken. Dispute workflow version 4."""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError
from mediation._demo import CLERK, MEDIATOR, run
from mediation.model import DeadlineStatus
from mediation.rules.policy import Policy

from ._support import at, clocks


def _demo() -> Engine:
    from mediation._demo import ORG as DEMO_ORG

    return Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())


def test_a_party_who_will_not_sign_ends_the_mediation() -> None:
    """The demo agreement is reached on 03-06; 王五 (p3) will not sign and refuses to go on
    on 03-09: mediation failed, the signing clock cancelled (never met), and the notice
    offers no suit on an agreement that never took effect (第三十二条)."""
    e = _demo()
    case = run(e, stop_before="sign")
    assert case.state == "agreed"
    refusal = {"party": "p3", "statement": "不同意协议内容，拒绝签字", "remedies_informed": True}
    options = e.available_triggers(
        case.id, MEDIATOR, at("2026-03-09"), inputs={"party_refuses": refusal}
    )
    assert [o.allowed for o in options if o.trigger == "party_refuses"] == [True]
    failed = e.fire(case.id, "party_refuses", actor=MEDIATOR, at=at("2026-03-09"), **refusal)
    assert failed.state == "failed"
    assert [d.status for d in clocks(failed, "agreement_signing")] == [DeadlineStatus.cancelled]
    assert not [d for d in failed.deadlines if d.period == "judicial_confirmation_apply"]
    notice = e.render(case.id, "termination_notice")
    assert "第三十二条" not in notice
    assert "提起诉讼" in notice
    assert e.verify(case.id).ok


def test_the_mediator_may_end_it_and_the_applicant_withdraw() -> None:
    e = _demo()
    ended = run(e, stop_before="sign")
    done = e.fire(ended.id, "terminate", actor=MEDIATOR, at=at("2026-03-10"),
                  reason="被申请人拒绝签署协议", remedies_informed=True)  # fmt: skip
    assert done.state == "failed"
    withdrawn = run(e, stop_before="sign")
    out = e.fire(withdrawn.id, "withdraw", actor=CLERK, at=at("2026-03-10"),
                 reason="申请人撤回调解申请", by="张三")  # fmt: skip
    assert out.state == "withdrawn"


@pytest.mark.parametrize(
    ("trigger", "data"),
    [
        ("party_refuses", {"party": "p3", "statement": "不想履行", "remedies_informed": True}),
        ("terminate", {"reason": "一方反悔", "remedies_informed": True}),
        ("withdraw", {"reason": "申请人撤回", "by": "张三"}),
    ],
)
def test_an_agreement_in_effect_binds(trigger: str, data: dict[str, object]) -> None:
    """Signed and sealed on 03-06: the agreement binds (第三十一条); a party who regrets it
    does not end the mediation — the agreement is performed, or disputed in court."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(case.id, trigger, actor=MEDIATOR, at=at("2026-03-09"), **data)
    assert "第三十一条" in str(refused.value)
    assert e.get(case.id) == before


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"signer": "张三", "capacity": "mediator"}, "当事人不能以调解员身份签名"),
        ({"signer": "西村人民调解委员会", "capacity": "committee"}, "东门村人民调解委员会"),
    ],
)
def test_the_mediator_and_the_seal_are_the_case_s_own(data: dict[str, str], why: str) -> None:
    """第二十九条第二款: signed by the mediator who presided, sealed by the committee that
    presided — a party is not the mediator, another committee's seal is not this one's.
    The refused signature is not recorded; the agreement does not take effect."""
    from mediation import ValidationError

    e = _demo()
    case = run(e, stop_before="sign")
    before = e.get(case.id)
    signed = at("2026-03-06", 16, 30)
    with pytest.raises(ValidationError) as refused:
        e.fire(case.id, "sign", actor=MEDIATOR, at=signed, signed_at=signed, **data)
    assert refused.value.field == "signer"
    assert why in str(refused.value)
    assert e.get(case.id) == before


@pytest.mark.parametrize(
    "signature",
    [
        {"party": "p3", "capacity": "party"},
        {"signer": "陈调解", "capacity": "mediator"},
        {"signer": "东门村人民调解委员会", "capacity": "committee"},
    ],
)
def test_each_signer_signs_once(signature: dict[str, str]) -> None:
    """《人民调解法》第二十九条第二款: the agreement took effect on 03-06 at the last signature,
    and the 30 days to apply for 司法确认 (第三十三条) run from it. A second signature by the
    same party, mediator or seal — dated earlier — would move that day under the clocks
    already opened: it is refused, and the case stays as it was."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as again:
        e.fire(
            case.id,
            "sign",
            actor=MEDIATOR,
            at=at("2026-03-11"),
            signed_at=at("2026-03-06", 16, 10),
            **signature,
        )
    assert "签署一次" in str(again.value)
    assert e.get(case.id) == before
