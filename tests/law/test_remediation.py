"""An agreement in effect binds until a new one takes effect (《人民调解法》第二十九条第二款、
第三十一条; 2002 规定 第三十七条第二项).

Re-mediation of an agreement that was not performed may end in a new agreement. Until that
one is signed by all and takes effect, the first still binds: its parties' 30 days to apply
for 司法确认 (第三十三条) run on, and a proposal dropped unsigned leaves it the case's
agreement. A new agreement is not recorded while the first is before a court, or once a
court ruled it valid (《民事诉讼法》第二百零五条、第二百零六条).
"""

from __future__ import annotations

import pytest

from mediation import Case, Engine, RuleRejectedError, ValidationError
from mediation._demo import agreement
from mediation.model import DeadlineStatus
from mediation.rules.dispute.agreement import effective

from ._support import actor, at, engine, register

VILLAGE = "qt-dm-dmc"
WHO = actor(VILLAGE)
COURT = "青田县人民法院"


def _fire(e: Engine, case_id: str, trigger: str, day: str, hour: int = 10, **data: object) -> Case:
    return e.fire(case_id, trigger, actor=WHO, at=at(day, hour), **data)


def _sign_all(e: Engine, case: Case, day: str, skip: tuple[str, ...] = ()) -> Case:
    when = at(day, 16)
    for p in case.principals:
        if p.id not in skip:
            case = _fire(e, case.id, "sign", day, 16, party=p.id, capacity="party", signed_at=when)
    case = _fire(e, case.id, "sign", day, 16, signer="陈调解", capacity="mediator", signed_at=when)
    return _fire(
        e, case.id, "sign", day, 16, signer="东门村人民调解委员会", capacity="committee",
        signed_at=when,
    )  # fmt: skip


def _in_effect(e: Engine, perform_by: str) -> Case:
    """The village's agreement, to be performed by ``perform_by``, in effect on 03-06
    (its window for 司法确认 to 04-07)."""
    case = register(e, VILLAGE, at("2026-03-02"))
    _fire(e, case.id, "triage", "2026-03-02", 9, track="people", level="village")
    _fire(e, case.id, "accept", "2026-03-02", 10)
    _fire(e, case.id, "inform_rights", "2026-03-02", 11)
    _fire(e, case.id, "start_mediation", "2026-03-02", 12, mediators=[WHO.id])
    _fire(e, case.id, "agree", "2026-03-06", 15, agreement=agreement(perform_by))
    return _sign_all(e, e.get(case.id), "2026-03-06")


def _remediating(e: Engine) -> Case:
    """Agreement A in effect on 03-06 (window to 04-07), not performed, mediated again."""
    case = _in_effect(e, "2026-03-10")
    _fire(e, case.id, "begin_performance", "2026-03-07")
    _fire(e, case.id, "report_not_performed", "2026-03-11")
    return _fire(e, case.id, "remediate", "2026-03-12", reason="双方同意重新调解", consent=True)


def _window(case: Case) -> list[tuple[str, DeadlineStatus]]:
    return [
        (d.due.isoformat(), d.status)
        for d in case.deadlines
        if d.period == "judicial_confirmation_apply"
    ]


def test_a_proposal_dropped_unsigned_leaves_the_agreement_in_force() -> None:
    e = engine()
    case = _remediating(e)
    first = case.details.agreement
    proposed = _fire(e, case.id, "agree", "2026-03-13", 9, agreement=agreement("2026-04-20"))
    assert effective(proposed) is None
    assert _window(proposed) == [("2026-04-07", DeadlineStatus.running)]
    failed = _fire(e, case.id, "party_refuses", "2026-03-14", party="p3", remedies_informed=True)
    assert failed.state == "failed"
    assert failed.details.agreement == first
    assert effective(failed) is not None
    assert _window(failed) == [("2026-04-07", DeadlineStatus.running)]
    applied = _fire(e, case.id, "apply_confirmation", "2026-03-16", court=COURT, joint=True)
    assert applied.details.confirmation is not None
    assert e.verify(case.id).ok


def test_the_new_agreement_replaces_the_first_when_it_takes_effect() -> None:
    e = engine()
    case = _remediating(e)
    _fire(e, case.id, "agree", "2026-03-13", 9, agreement=agreement("2026-04-20"))
    signed = _sign_all(e, e.get(case.id), "2026-03-16")
    assert effective(signed) is not None
    # The first window is cancelled (not breached); the new one counts from 03-16.
    assert _window(signed) == [
        ("2026-04-07", DeadlineStatus.cancelled),
        ("2026-04-15", DeadlineStatus.running),
    ]
    assert len(signed.details.superseded) == 1
    assert e.verify(case.id).ok


@pytest.mark.parametrize("ruled", [False, True])
def test_no_new_agreement_while_the_first_is_before_the_court_or_confirmed(ruled: bool) -> None:
    e = engine()
    case = _remediating(e)
    _fire(e, case.id, "apply_confirmation", "2026-03-13", court=COURT, joint=True)
    _fire(e, case.id, "court_accepts", "2026-03-14")
    if ruled:
        _fire(e, case.id, "court_rules", "2026-03-20", ruling="valid")
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError) as refused:
        _fire(e, case.id, "agree", "2026-03-21", 9, agreement=agreement("2026-04-20"))
    assert "第三十三条" in refused.value.basis
    assert e.get(case.id) == before
    if ruled:
        assert _fire(e, case.id, "apply_enforcement", "2026-03-22").details.confirmation


def test_an_agreement_in_performance_is_mediated_again_with_both_parties_consent() -> None:
    """2002 规定 第三十七条第二项: the content of an agreement being performed is improper; the
    parties both agree to mediate it again to change it — not only after a court rejected it.
    Without their consent it is refused (mediation is voluntary, 《人民调解法》第三条). The
    agreement binds meanwhile: its window for 司法确认 runs on."""
    e = engine()
    case = _in_effect(e, "2026-04-20")
    _fire(e, case.id, "begin_performance", "2026-03-09")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as refused:
        _fire(e, case.id, "remediate", "2026-03-10", reason="协议内容不当")
    assert refused.value.field == "consent"
    assert e.get(case.id) == before
    again = _fire(e, case.id, "remediate", "2026-03-10", reason="协议内容不当", consent=True)
    assert again.state == "mediating"
    assert effective(again) is not None
    assert _window(again) == [("2026-04-07", DeadlineStatus.running)]
