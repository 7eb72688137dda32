"""Who the parties' representatives are, and which court the parties apply to, as the forms
print them.

- A minor's agent is the guardian, the 法定代理人 (《民法典》第二十三条); anyone else's acts on
  entrustment, a 委托代理人 (第一百六十三条).
- A mediation a court delegated (委派) goes back to that court for 司法确认 (《民事诉讼法》
  第二百零五条第一项): the application is addressed to it, and the agreement names it.
"""

from __future__ import annotations

from mediation import Actor, Engine, Party, Place
from mediation._demo import CLERK, MEDIATOR, agreement, at, policy
from tests.law._support import actor, engine, register

ADULTS_AND_A_MINOR = [
    Party.person("张三", id_number="332522196503120014", role="applicant", address="东门村12号"),
    Party.person("王五", id_number="332522195811040038", role="respondent", address="东门村14号"),
    # born 2012-01-01: 14 on every date below
    Party.person("王小明", id_number="331121201201010017", role="respondent", address="东门村14号"),
    Party.person("赵律师", role="agent", agent_of="p1", id="a1"),
    Party.person("王五", role="agent", agent_of="p3", id="a2"),
]


def _texts() -> dict[str, str]:
    with Engine.in_memory(policy=policy(), reader=Actor.system()) as e:
        case = e.intake(
            kind="dispute",
            channel="walk_in",
            category="neighbor",
            parties=ADULTS_AND_A_MINOR,
            summary="王五加装雨棚致排水侵入张三院内",
            location=[Place("青田县"), Place("东门镇"), Place("东门村")],
            unit="qt-dm-dmc",
            actor=CLERK,
            at=at("2026-08-20", 9),
        )
        e.fire(case.id, "triage", actor=CLERK, at=at("2026-08-20", 10), track="people",
               level="village")  # fmt: skip
        e.fire(case.id, "accept", actor=CLERK, at=at("2026-08-20", 11))
        e.fire(case.id, "inform_rights", actor=CLERK, at=at("2026-08-20", 12), written=True)
        e.fire(case.id, "start_mediation", actor=MEDIATOR, at=at("2026-08-25", 9),
               mediators=[MEDIATOR.id])  # fmt: skip
        e.fire(case.id, "agree", actor=MEDIATOR, at=at("2026-08-28", 9),
               agreement=agreement("2026-09-30"))  # fmt: skip
        return {
            kind: str(e.render(case.id, kind))
            for kind in ("mediation_agreement", "mediation_record", "registration")
        }


def test_a_minors_agent_prints_as_the_legal_representative() -> None:
    texts = _texts()
    for kind in ("mediation_agreement", "registration"):
        assert "委托代理人：赵律师" in texts[kind], kind
        assert "法定代理人：王五" in texts[kind], kind
        assert "委托代理人：王五" not in texts[kind], kind


def test_the_record_says_whom_each_agent_represents_and_how() -> None:
    """Agents of both kinds in one list: each is named with the party and the kind."""
    record = _texts()["mediation_record"]
    assert "代理人：赵律师（张三的委托代理人）、王五（王小明的法定代理人）" in record


def test_a_delegated_mediation_goes_back_to_the_court_that_delegated_it() -> None:
    """The court recorded with the referral (its unit id) is printed by name, in the
    application's address and in the agreement's 司法确认 clause."""
    e = engine()
    who = actor("qt-dm")
    case = register(
        e,
        "qt-dm",
        at("2026-12-08"),
        channel="court_referral",
        details={"materials_signed_on": "2026-12-07", "court": "qt-fy"},
    )
    e.fire(case.id, "triage", actor=who, at=at("2026-12-08", 10), track="people")
    e.fire(case.id, "accept", actor=who, at=at("2026-12-08", 11))
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-12-08", 12))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-12-09", 9), mediators=[who.id])
    signed = at("2026-12-10", 11)
    e.fire(case.id, "agree", actor=who, at=at("2026-12-10", 10), agreement=agreement("2026-12-31"))
    for p in e.get(case.id).principals:
        e.fire(case.id, "sign", actor=who, at=signed, party=p.id, capacity="party",
               signed_at=signed)  # fmt: skip
    application = str(e.render(case.id, "judicial_confirmation_application"))
    assert "此致\n青田县人民法院" in application
    agreement_text = str(e.render(case.id, "mediation_agreement"))
    assert "共同向青田县人民法院申请司法确认" in agreement_text


def test_a_committees_own_mediation_names_no_court() -> None:
    """Mediated on the committee's own: the parties pick among the competent courts
    (民诉法解释 第三百五十二条), so the clause names none."""
    text = _texts()["mediation_agreement"]
    assert "共同向人民法院申请司法确认" in text
