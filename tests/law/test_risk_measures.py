"""《人民调解法》第二十五条's two duties (dispute workflow version 8).

"发现纠纷有可能激化的，应当采取有针对性的预防措施；对有可能引起治安案件、刑事案件的纠纷，
应当及时向当地公安机关或者其他有关部门报告": measures for every dispute found likely to
intensify (``medium``), and the report besides for one that may become a public-order or
criminal case (``high``). Version 7 asked measures of a high risk only, and stays so for
its recorded cases.
"""

from __future__ import annotations

import pytest

from mediation import Actor, ValidationError

from ..conftest import make_engine
from ..helpers import MEDIATOR, at, intake, to_state

BASIS = "《人民调解法》第二十五条"


def test_a_dispute_that_may_intensify_is_met_with_measures() -> None:
    e = make_engine("memory")
    case = to_state(e, intake(e).id, "mediating")
    ask = {"level": "medium", "finding": "双方言语冲突，纠纷有可能激化"}
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "assess_risk", actor=MEDIATOR, at=at("2026-03-03"), **ask)
    assert err.value.field == "measures"
    assert BASIS in str(err.value)
    assert e.get(case.id) == case
    assessed = e.fire(case.id, "assess_risk", actor=MEDIATOR, at=at("2026-03-03"),
                      measures="分别疏导，约定冷静期", **ask)  # fmt: skip
    assert assessed.risk.value == "medium"
    # no report is owed for a risk of intensifying alone: only for a public-order or
    # criminal one (high)
    assert not [d for d in assessed.deadlines if d.period == "escalation_report"]
    assert e.verify(case.id).ok


def test_a_low_risk_needs_none() -> None:
    e = make_engine("memory")
    case = to_state(e, intake(e).id, "mediating")
    low = e.fire(case.id, "assess_risk", actor=MEDIATOR, at=at("2026-03-03"), level="low",
                 finding="双方情绪平稳")  # fmt: skip
    assert low.risk.value == "low"


def test_version_7_asked_measures_of_a_high_risk_only() -> None:
    e = make_engine("memory")
    case = intake(e)
    e.migrate_case(case.id, to_version=7, actor=Actor.system(), at=at("2026-03-02", 9))
    case = to_state(e, case.id, "mediating")
    assessed = e.fire(case.id, "assess_risk", actor=MEDIATOR, at=at("2026-03-03"),
                      level="medium", finding="纠纷有可能激化")  # fmt: skip
    assert (assessed.risk.value, assessed.workflow_version) == ("medium", 7)


def test_a_dispute_that_may_escalate_is_eased_before_it_is_handed_off() -> None:
    """2002 规定 第二十四条: easing and guidance first, then handed promptly to the relevant
    organ — as ``transfer_out`` asked; a hand-off to another track's organ did not."""
    from mediation._demo import CLERK

    e = make_engine("memory")
    case = intake(e)
    case = e.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people",
                  risk="high")  # fmt: skip
    ask = {"track": "administrative", "unit": "qt-dmz", "reason": "转行政调解", "consent": True}
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "hand_off", actor=CLERK, at=at("2026-03-02", 11), **ask)
    assert err.value.field == "measures"
    assert "第二十四条" in str(err.value)
    assert e.get(case.id) == case
    handed = e.fire(case.id, "hand_off", actor=CLERK, at=at("2026-03-02", 11),
                    measures="分别疏导，约定冷静期", **ask)  # fmt: skip
    assert handed.state == "handed_off"
    assert e.verify(case.id).ok
