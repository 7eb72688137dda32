"""Petitions in the simulation: repeat petitions on the real petition workflow, 领导包案 and
最多跑一地, figures the simulation and ``engine.statistics`` agree on, and their keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from mediation import Actor, Engine, LinkKind, ValidationError
from mediation.simulation import parse_scenario, simulate, write_outputs
from mediation.simulation._api import Result

from .tiny import UNITS, merge, small, tiny

BUREAU: dict[str, Any] = {
    "id": "xf",
    "name": "某县信访局",
    "level": "county",
    "parent": "cz",
    "kind": "petition_bureau",
    "centre": "cz",
    "code_prefix": "访",
}
"""The county's petition bureau, stationed at its one-stop centre."""

PETITION: dict[str, Any] = {
    "registered": {
        "baoan": {"p": 1, "delay": 0},
        "route": {"delay": 1, "at_centre": 1},
        "accept": {"delay": 1},
    },
    "accepted": {
        "extend": {"p": 0},
        "mediation": {"p": 0},
        "withdraw": {"p": 0},
        "opine": {"delay": {"value": 10, "unit": "d"}},
    },
    "replied": {"review": {"p": 0}, "rereview": {"p": 0}, "sign_off": {"delay": 1}},
    "concluded": {"repeat": {"p": 0}},
}
"""Every petition step fixed: 包案 at once, routed to the centre, accepted, answered, signed
off, concluded once the petitioner's 30 days have run."""


def repeats(**top: Any) -> dict[str, Any]:
    """The tiny scenario where every closed dispute comes back as a petition 5 working days
    later, at the bureau."""
    data = tiny(
        units=[*UNITS, BUREAU],
        behaviour={"dispute": {"closed": {"repeat": {"p": 1, "delay": 5}}}, "petition": PETITION},
    )
    return merge(data, top)


def _window(scenario: Any) -> tuple[dt.date, dt.date]:
    return scenario.start, scenario.start + dt.timedelta(days=scenario.total_days - 1)


def test_repeat_petitions_match_the_hand_computation(tmp_path: Path) -> None:
    """Three disputes, each closed by Mon 16 March, come back as a visit (走访) to the bureau
    stationed at the centre: three petitions linked ``repeat_of`` their disputes. Each goes
    under 包案 at once (a repeat petition, 第十八条第二款), is routed (转送, 第二十二条) to
    the centre, which opens a second petition case carrying the assignment and the
    one-stop record; there it is accepted, answered, signed off (签字销号) and concluded
    after the petitioner's 30 days (第三十五条), by late May, within the 90 days.

    So: 6 petition cases (the statistics count each organ's case), 3 repeats, 3 matters
    under 包案 (the assignment goes on with the matter: ``engine.statistics`` counts it
    once, on the case that holds it), 3 one-stop matters ended (likewise counted once, on
    the case the matter ended in), all with one place: rate 1. By state: the three
    bureau cases transferred out (转送), the three centre cases closed. Cases: 3 disputes,
    3 repeats, 3 hand-offs."""
    scenario = parse_scenario(repeats())
    db = tmp_path / "petitions.db"
    rep = simulate(scenario, database=db)
    k = rep.kpis
    assert rep.problems == ()
    assert rep.errors == {}
    expected = {
        "arrivals": 3,
        "cases": 9,
        "cases.repeats": 3,
        "cases.handed_off": 3,
        "petitions": 6,
        "petitions.repeats": 3,
        "petitions.closed": 3,
        "petitions.open": 0,
        "petitions.transferred_out": 3,
        "baoan": 3,
        "onestop_ended": 3,
        "one_place": 3,
        "one_place_rate": 1.0,
        "matters.closed": 3,
    }
    assert {key: k[key] for key in expected} == expected
    since, until = _window(scenario)
    with Engine.sqlite(db, readonly=True, reader=Actor.system()) as engine:
        figures = engine.statistics(since=since, until=until)
        assert (figures.petitions, figures.repeat_petitions, figures.baoan) == (6, 3, 3)
        assert (figures.onestop_ended, figures.one_place, figures.one_place_rate) == (3, 3, 1.0)
        petitions = engine.find(workflow="petition", limit=100)
        bureau = [c for c in petitions if c.unit == "xf"]
        assert len(bureau) == 3
        disputes = {c.id for c in engine.find(workflow="dispute", limit=100)}
        for case in bureau:
            assert case.state == "transferred"
            (link,) = [x for x in case.links if x.kind is LinkKind.repeat_of]
            assert link.case_id in disputes
        centre = [c for c in petitions if c.unit == "cz"]
        assert sorted(c.state for c in centre) == ["concluded"] * 3


def test_a_matter_routed_out_of_the_centre_is_a_second_place() -> None:
    """With the centre keeping none (``at_centre = 0``), each matter goes to the village
    committee that mediated it, after a permit for a second place (最多跑一地): each of the
    three matters ends at the committee with two places (the bureau's case, which handed it
    on, is not counted again), so none ends with one place."""
    data = repeats(behaviour={"petition": {"registered": {"route": {"at_centre": 0}}}})
    rep = simulate(parse_scenario(data))
    assert rep.problems == ()
    assert rep.errors == {}
    assert (rep.kpis["onestop_ended"], rep.kpis["one_place"]) == (3, 0)
    assert rep.kpis["one_place_rate"] == 0.0


def _petition_arrivals() -> dict[str, Any]:
    return small(
        rate=300.0,
        days=30,
        units=[*UNITS, BUREAU],
        arrivals={
            "labour": {"rate": 0},
            "family": {
                "rate": 300.0,
                "workflow": "petition",
                "channels": {"walk_in": 0.6, "letter": 0.4},
                "skip_level": 0.2,
            },
        },
        scenario={"drain_days": 60},
    )


def test_petitions_arriving_directly_are_conserved_and_deterministic(tmp_path: Path) -> None:
    """Petitions arriving as such (``workflow = "petition"``, some 越级走访) add up, the
    runner and the statistics agree, and the same seed writes byte-identical files."""
    scenario = parse_scenario(_petition_arrivals())
    first = simulate(scenario, seed=3)
    second = simulate(scenario, seed=3)
    assert first.problems == ()
    assert first.errors == {}
    assert first.kpis["petitions"] > 0
    assert first.kpis == second.kpis
    texts = []
    for name, rep in (("a", first), ("b", second)):
        out = tmp_path / name
        write_outputs([Result(scenario, 3, (rep,))], out)
        texts.append([(out / f).read_bytes() for f in ("kpis.csv", "results.json")])
    assert texts[0] == texts[1]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"arrivals": {"neighbor": {"workflow": "letters"}}}, "arrivals.neighbor.workflow"),
        (
            {"behaviour": {"petition": {"accepted": {"nope": {"p": 0.1}}}}},
            "behaviour.petition.accepted.nope",
        ),
        (
            {"behaviour": {"petition": {"registered": {"route": {"at_centre": 2}}}}},
            "behaviour.petition.registered.route.at_centre",
        ),
        ({"scenario": {"leaders": "missing.toml"}}, "scenario.leaders"),
    ],
)
def test_a_bad_petition_key_is_named(change: dict[str, Any], field: str) -> None:
    """Every new key is validated and its error names the key path."""
    with pytest.raises(ValidationError) as err:
        parse_scenario(merge(repeats(), change))
    assert err.value.field == field


def test_an_extension_drawn_too_late_is_not_attempted_once_the_period_has_run() -> None:
    """An organ that would extend its handling period (第三十四条) but only gets to it after
    the 60 days have run does not: an extension is granted within the period. The case
    chooses again when the step comes due, and is answered; no step is refused."""
    late = merge(
        PETITION,
        {"accepted": {"extend": {"p": 1, "delay": {"value": 75, "unit": "d"}}}},
    )
    data = merge(repeats(), {"behaviour": {"petition": late}, "scenario": {"days": 200}})
    rep = simulate(parse_scenario(data))
    assert rep.errors == {}
    assert rep.problems == ()
    assert rep.kpis["petitions"] == 6
    assert rep.kpis["matters.open"] == 0
