"""Scenarios are validated when loaded; every error is a ValidationError naming the key path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mediation import DefinitionError, MediationError, ValidationError
from mediation.simulation import (
    Choice,
    Delay,
    Keyed,
    StateBehaviour,
    WorkflowBehaviour,
    load_scenario,
    parse_scenario,
)
from mediation.simulation._sections import BEHAVIOURS

from .tiny import small, tiny

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"arrivals": {"labour": {"rate": -1}}}, "arrivals.labour.rate", ">= 0"),
        ({"arrivals": {"labour": {"rate": "many"}}}, "arrivals.labour.rate", "a number"),
        ({"arrivals": {"neighbour": {"rate": 1}}}, "arrivals.neighbour", "unknown key"),
        ({"arrivals": {"labour": {"speed": 1}}}, "arrivals.labour.speed", "unknown key"),
        (
            {"arrivals": {"labour": {"channels": {"walk_in": 0.5}}}},
            "arrivals.labour.channels",
            "add up to 1",
        ),
        (
            {"arrivals": {"labour": {"channels": {"pigeon": 1.0}}}},
            "arrivals.labour.channels.pigeon",
            "unknown key",
        ),
        ({"arrivals": {"labour": {"skip_level": 1.5}}}, "arrivals.labour.skip_level", "<= 1"),
        (
            {"arrivals": {"labour": {"amount": {"median": 0}}}},
            "arrivals.labour.amount.median",
            ">= 1",
        ),
        ({"scenario": {"days": 0}}, "scenario.days", ">= 1"),
        ({"scenario": {"start": "March"}}, "scenario.start", "a date"),
        ({"scenario": {"office": ["17:30", "08:30"]}}, "scenario.office[1]", "after opening"),
        ({"scenario": {"colour": "red"}}, "scenario.colour", "unknown key"),
        ({"capacity": {"village": {"mediators": 0}}}, "capacity.village.mediators", ">= 1"),
        (
            {"capacity": {"units": {"nowhere": {"mediators": 2}}}},
            "capacity.units.nowhere",
            "unknown mediating unit",
        ),
        ({"capacity": {"parish": {"mediators": 2}}}, "capacity.parish", "unknown key"),
        ({"receiving": {"nowhere": 1.0}}, "receiving", "unknown or inactive unit"),
        ({"profile": {"months": [1.0, 2.0]}}, "profile.months", "an array of 12"),
        ({"triage": {"levels": {"labour": "planet"}}}, "triage.levels.labour", "one of"),
        (
            {"triage": {"tracks": {"labour": {"people": 0.5}}}},
            "triage.tracks.labour",
            "add up to 1",
        ),
        (
            {"policy": {"periods": {"people_mediation": {"length": 0}}}},
            "policy.periods.people_mediation.length",
            ">= 1",
        ),
        (
            {"policy": {"periods": {"no_such_period": {"length": 3}}}},
            "policy.periods.no_such_period",
            "unknown key",
        ),
        ({"behaviour": {"dispute": {"nowhere": {}}}}, "behaviour.dispute.nowhere", "unknown key"),
        (
            {"behaviour": {"dispute": {"mediating": {"fly": {"p": 1}}}}},
            "behaviour.dispute.mediating.fly",
            "unknown key",
        ),
        (
            {"behaviour": {"dispute": {"mediating": {"agree": {"p": 2}}}}},
            "behaviour.dispute.mediating.agree.p",
            "<= 1",
        ),
        (
            {"behaviour": {"dispute": {"mediating": {"agree": {"p": {"planet": 0.5}}}}}},
            "behaviour.dispute.mediating.agree.p.planet",
            "unknown key",
        ),
        (
            {
                "behaviour": {
                    "dispute": {"mediating": {"agree": {"p": 0.9}, "withdraw": {"p": 0.2}}}
                }
            },
            "behaviour.dispute.mediating",
            "add up to 1.1",
        ),
        (
            {
                "behaviour": {
                    "dispute": {"mediating": {"agree": {"delay": {"dist": "gamma", "value": 3}}}}
                }
            },
            "behaviour.dispute.mediating.agree.delay.value",
            "takes mean",
        ),
        (
            {
                "behaviour": {
                    "dispute": {"mediating": {"agree": {"delay": {"dist": "zipf", "mean": 3}}}}
                }
            },
            "behaviour.dispute.mediating.agree.delay.dist",
            "one of",
        ),
        (
            {"behaviour": {"dispute": {"mediating": {"agree": {"written": 3}}}}},
            "behaviour.dispute.mediating.agree.written",
            "<= 1",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_its_key(
    change: dict[str, Any], field: str, words: str
) -> None:
    """Each mistake raises ValidationError whose field is the dotted key path."""
    from .tiny import merge

    with pytest.raises(ValidationError) as caught:
        parse_scenario(merge(small(), change))
    assert caught.value.field == field
    assert words in str(caught.value)


def test_a_scripted_arrival_outside_the_horizon_is_refused() -> None:
    """A scripted arrival after the last day of arrivals names its array element."""
    with pytest.raises(ValidationError) as caught:
        parse_scenario(tiny(arrivals={"neighbor": {"at": ["2026-03-02T09:00", "2026-05-01"]}}))
    assert caught.value.field == "arrivals.neighbor.at[1]"


def test_the_org_file_is_read_relative_to_the_scenario(tmp_path: Path) -> None:
    """scenario.org names a units file; a missing one is an error naming scenario.org."""
    data = small()
    del data["units"]
    (tmp_path / "s.toml").write_text(
        '[scenario]\nname = "x"\nstart = 2026-03-02\ndays = 5\norg = "nowhere.toml"\n'
        "[arrivals.neighbor]\nrate = 10\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        load_scenario(tmp_path / "s.toml")
    assert caught.value.field == "scenario.org"


def test_not_toml_and_unreadable_files_are_validation_errors(tmp_path: Path) -> None:
    """Bad TOML and a missing file are refused as ValidationError, never a raw exception."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid TOML"):
        load_scenario(bad)
    with pytest.raises(ValidationError, match="cannot be read"):
        load_scenario(tmp_path / "missing.toml")


def test_the_example_scenarios_load_and_one_extends_the_other() -> None:
    """two_more_town_mediators.toml extends the baseline: the same except 东门镇's committee."""
    base = load_scenario(EXAMPLES / "scenarios" / "baseline.toml")
    more = load_scenario(EXAMPLES / "scenarios" / "two_more_town_mediators.toml")
    assert (base.name, more.name) == ("baseline", "two_more_town_mediators")
    assert base.capacity["qt-dm"].mediators + 2 == more.capacity["qt-dm"].mediators
    assert {u: c for u, c in base.capacity.items() if u != "qt-dm"} == {
        u: c for u, c in more.capacity.items() if u != "qt-dm"
    }
    assert base.arrivals == more.arrivals
    assert len(base.units) == len(more.units) == 25


def test_extends_refuses_a_cycle(tmp_path: Path) -> None:
    """A file extending itself (through another) is refused."""
    (tmp_path / "a.toml").write_text('[scenario]\nextends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[scenario]\nextends = "a.toml"\n', encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(tmp_path / "a.toml")
    assert caught.value.field == "scenario.extends"


def test_a_variant_changes_one_key_and_is_validated() -> None:
    """Scenario.variant (what sweeps use) changes dotted keys and validates the result."""
    scenario = parse_scenario(small())
    more = scenario.variant({"capacity.village.mediators": 5})
    assert more.capacity["v1"].mediators == 5
    with pytest.raises(ValidationError) as caught:
        scenario.variant({"capacity.village.mediators": -1})
    assert caught.value.field == "capacity.village.mediators"


def test_policy_overrides_reach_the_engine_policy() -> None:
    """Periods, callbacks and supervision given in [policy] are the engine's policy."""
    scenario = parse_scenario(
        small(
            policy={
                "periods": {"dispute_acceptance": {"length": 5}},
                "callbacks": {"after_agreement": 2},
                "supervision": {"baoan_after": 0},
            }
        )
    )
    policy = scenario.engine_policy()
    assert policy.periods["dispute_acceptance"].length == 5
    assert policy.callbacks.after_agreement == 2
    assert policy.supervision.baoan_after is None
    assert policy.org is not None
    assert "v1" in policy.org


def test_behaviour_tables_are_checked_against_the_registered_workflow() -> None:
    """A row naming a trigger the workflow lacks, or one not fireable from its state, is a
    DefinitionError when the table is validated (at load)."""
    from mediation import Engine

    definition = Engine.in_memory().definition("dispute")
    bad = WorkflowBehaviour(
        "dispute", {"received": StateBehaviour((Choice("fly", None, Keyed.of(Delay("fixed", 0))),))}
    )
    with pytest.raises(DefinitionError, match="unknown trigger 'fly'"):
        bad.validate(definition)
    wrong_state = WorkflowBehaviour(
        "dispute",
        {"received": StateBehaviour((Choice("close", None, Keyed.of(Delay("fixed", 0))),))},
    )
    with pytest.raises(DefinitionError, match="cannot be fired from 'received'"):
        wrong_state.validate(definition)
    for name, factory in BEHAVIOURS.items():
        factory().validate(Engine.in_memory().definition(name))


def test_only_mediation_errors_escape_loading() -> None:
    """Whatever the document, loading raises only MediationError subclasses."""
    for data in (
        {},
        {"scenario": 3},
        {"arrivals": []},
        {"scenario": {"name": ""}},
        small(units=[{"id": 1}]),
    ):
        with pytest.raises(MediationError):
            parse_scenario(data)


def test_the_engine_refuses_no_step_of_the_example_county_in_a_month() -> None:
    """The baseline's behaviour tables give every step what the current workflow versions ask
    (a traffic matter before the police gives its accident report's day, a callback the party
    visited and how the agreement stands...): a month of the county's arrivals runs with no
    step refused."""
    import attrs

    from mediation.simulation import simulate

    base = load_scenario(EXAMPLES / "scenarios" / "baseline.toml")
    run = simulate(attrs.evolve(base, days=30))
    assert run.errors == {}
    assert run.kpis["cases.closed"] > 0
