"""Properties over random small scenarios: the engine refuses nothing the behaviour table
does, cases and matters are conserved, and a seed fixes every figure."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.simulation import parse_scenario, simulate

from .tiny import small

probability = st.floats(0.0, 1.0)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A small county month with random rates, capacity, behaviour and callback policy."""
    refuse, transfer = draw(probability), draw(probability)
    agree, withdraw, suspend = draw(probability), draw(probability), draw(probability)
    total = agree + withdraw + suspend
    if total > 1:  # a little under 1 so rounding never pushes the sum over
        agree, withdraw, suspend = (x / total * 0.999 for x in (agree, withdraw, suspend))
    if refuse + transfer > 1:
        refuse, transfer = refuse / 2, transfer / 2
    behaviour = {
        "triaged": {"refuse": {"p": refuse}, "transfer_out": {"p": transfer}},
        "accepted": {"withdraw": {"p": draw(st.floats(0, 0.3))}},
        "mediating": {
            "agree": {
                "p": {"village": agree, "town": draw(probability) * (1 - withdraw - suspend)},
                "written": draw(probability),
            },
            "withdraw": {"p": withdraw},
            "suspend": {"p": suspend},
        },
        "suspended": {"terminate": {"p": draw(probability)}},
        "performing": {"report_not_performed": {"p": draw(probability)}},
        "not_performed": {"remediate": {"p": draw(probability)}},
        "failed": {"refer_up": {"p": {"village": draw(probability), "town": draw(probability)}}},
        "callback": {"reopen": {"p": draw(st.floats(0, 0.3))}},
        "closed": {"repeat": {"p": draw(st.floats(0, 0.3))}},
    }
    if draw(st.booleans()):
        behaviour["mediating"]["withdraw"]["p"] = (
            0.0  # some scenarios: everything ends in agree/terminate
        )
    return small(
        rate=draw(st.floats(0, 600)),
        days=draw(st.integers(1, 40)),
        scenario={"drain_days": draw(st.integers(0, 30)), "seed": draw(st.integers(0, 2**32))},
        capacity={
            "village": {
                "mediators": draw(st.integers(1, 3)),
                "cases_each": draw(st.integers(1, 3)),
            },
            "town": {"mediators": draw(st.integers(1, 2)), "cases_each": draw(st.integers(1, 2))},
        },
        policy={
            "callbacks": {
                "after_agreement": draw(st.integers(0, 2)),
                "after_failure": draw(st.integers(0, 1)),
            }
        },
        arrivals={"labour": {"skip_level": draw(st.floats(0, 0.5))}},
        behaviour={"dispute": behaviour},
    )


@settings(max_examples=60)
@given(data=scenarios())
def test_random_scenarios_conserve_cases_and_follow_the_rules(data: dict[str, Any]) -> None:
    """arrivals = closed + open + transferred out (matters and cases, from independent
    counts); the engine refuses none of the steps; open by state = open by audit log."""
    rep = simulate(parse_scenario(data))
    assert rep.errors == {}
    assert rep.problems == ()
    k = rep.kpis
    assert k["arrivals"] == k["matters.closed"] + k["matters.open"] + k["matters.transferred_out"]  # type: ignore[operator]
    assert k["cases"] == k["cases.closed"] + k["cases.open"] + k["cases.transferred_out"]  # type: ignore[operator]
    for key, value in k.items():
        if (
            key.startswith(("on_time.", "success_rate", "resolved.", "utilisation."))
            and value is not None
        ):
            assert 0.0 <= value <= 1.0, key


@settings(max_examples=8)
@given(data=scenarios())
def test_a_seed_fixes_every_figure(data: dict[str, Any]) -> None:
    """Two runs with the same seed give identical KPIs and backlogs."""
    scenario = parse_scenario(data)
    one, two = simulate(scenario), simulate(scenario)
    assert one.kpis == two.kpis
    assert one.backlog == two.backlog
