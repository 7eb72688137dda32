"""Case keys: an intake sees the cases that share a key with it (duplicates, repeats).

A workflow derives keys from the registration; the engine indexes them and
hands an intake the related cases as they stood (logged with the event, so a
replay sees the same). Written here in a test workflow, touching no core module.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation import (
    Actor,
    Case,
    Context,
    Decision,
    Engine,
    LabeledEnum,
    Link,
    LinkKind,
    Party,
    Role,
    RuleRejectedError,
    Transition,
    WorkflowDefinition,
)
from mediation.rules.base import ALLOW, refuse

from .conftest import make_engine
from .helpers import CLERK, at, parties


class State(LabeledEnum):
    open = "open", "办理中"
    final = "final", "已终结"


class Trigger(LabeledEnum):
    conclude = "conclude", "终结"


def fingerprint(case: Case) -> str:
    people = sorted(p.identifier or p.name for p in case.parties)
    matter = "".join(case.summary.split())
    return hashlib.sha256(f"{people}|{case.category}|{matter}".encode()).hexdigest()[:24]


def keys(case: Case) -> Iterable[str]:
    yield f"matter:{fingerprint(case)}"
    for p in case.parties:
        if p.identifier:
            yield f"party:{p.identifier}"


def not_after_final(case: Case, ctx: Context[Any]) -> Decision:
    mine = f"matter:{fingerprint(case)}"
    for other in ctx.related:
        if mine in other.matched and other.state == State.final.value:
            return refuse("intake", f"同一事项已终结（{other.code}），不再受理", "测试规则")
    return ALLOW


def link_related(case: Case, ctx: Context[Any]) -> Case:
    links = tuple(
        Link(
            LinkKind.repeat_of
            if any(k.startswith("matter:") for k in r.matched)
            else LinkKind.related,
            r.id,
        )
        for r in ctx.related
    )
    return attrs.evolve(case, links=case.links + links)


COMPLAINT = WorkflowDefinition(
    name="complaint",
    version=1,
    kind="complaint",
    label="投诉",
    states=State,
    triggers=Trigger,
    initial=State.open,
    finals=frozenset({State.final}),
    closed=frozenset({State.final}),
    transitions=(Transition(Trigger.conclude, State.open, State.final, roles={Role.director}),),
    keys=keys,
    intake_guards=not_after_final,
    intake_effects=link_related,
)


def _engine(spec: str) -> Engine:
    engine = make_engine(spec)
    engine.register(COMPLAINT)
    return engine


def _register(engine: Engine, summary: str, day: str, who: list[Party] | None = None) -> Case:
    return engine.intake(
        workflow="complaint",
        channel="walk_in",
        category="neighbor",
        parties=who or parties(),
        summary=summary,
        unit="qt-dm-dmc",
        actor=CLERK,
        at=at(day, 9),
    )


@pytest.mark.parametrize("spec", ["memory", "sqlite"])
def test_an_intake_sees_and_links_the_cases_that_share_a_key(spec: str, tmp_path: Path) -> None:
    """Same parties, same matter: linked as a repeat; same party, another matter: related."""
    engine = _engine("memory" if spec == "memory" else f"sqlite:///{tmp_path / 'k.db'}")
    first = _register(engine, "邻里排水纠纷", "2026-03-02")
    assert any(k.startswith("matter:") for k in first.keys)
    repeat = _register(engine, "邻里  排水纠纷", "2026-03-09")
    assert repeat.links == (Link(LinkKind.repeat_of, first.id),)
    other = _register(engine, "宅基地界址纠纷", "2026-03-10")
    assert {(lk.kind, lk.case_id) for lk in other.links} == {
        (LinkKind.related, first.id),
        (LinkKind.related, repeat.id),
    }
    assert {r.id for r in engine.related(first.id)} == {repeat.id, other.id}
    preview = engine.find_related(
        workflow="complaint", parties=parties(), summary="邻里排水纠纷", category="neighbor"
    )
    assert [r.id for r in preview][:2] == [first.id, repeat.id]
    assert {"matter:" + fingerprint(first)} <= preview[0].matched
    engine.close()


def test_a_matter_concluded_is_not_registered_again_and_replay_sees_the_old_state() -> None:
    """The guard sees the related case as it stood; the log keeps that view: the repeat
    registered while the first was open replays to the same case after the first ends."""
    engine = _engine("memory")
    first = _register(engine, "邻里排水纠纷", "2026-03-02")
    repeat = _register(engine, "邻里排水纠纷", "2026-03-09")
    director = Actor("d", {Role.director.value}, "qt-dm-dmc", "主任")
    engine.fire(first.id, "conclude", actor=director, at=at("2026-03-20", 9))
    with pytest.raises(RuleRejectedError, match="已终结"):
        _register(engine, "邻里排水纠纷", "2026-03-21")
    assert len(engine.find()) == 2
    assert engine.replay(repeat.id) == engine.get(repeat.id)
    assert engine.verify(repeat.id).ok
    (logged,) = engine.history(repeat.id)
    assert logged.facts["related"][0]["state"] == "open"


def test_a_doctored_key_row_is_reported_by_verify(tmp_path: Path) -> None:
    """The key index is checked against the log like every other queried column."""
    path = tmp_path / "k.db"
    engine = _engine(f"sqlite:///{path}")
    case = _register(engine, "邻里排水纠纷", "2026-03-02")
    engine.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM case_keys WHERE key LIKE 'party:%'")
    reopened = _engine(f"sqlite:///{path}")
    report = reopened.verify(case.id)
    assert not report.ok
    assert "case_keys" in report.problem
    reopened.close()


@pytest.mark.parametrize("spec", ["memory", "sqlite"])
def test_a_lookup_in_a_batch_sees_the_keys_a_held_step_changed(spec: str, tmp_path: Path) -> None:
    """Inside a batch the SQL store holds a step's writes; a lookup by key sends them first
    when one of them changed a case's keys (and only then, so that a step that reads related
    cases does not end the batching). Case A is registered with other parties, then, in the
    batch, amended to the demo's: a dispute registered next, in the same batch, with the
    demo's parties finds A as the same matter and asks the clerk to decide."""
    from mediation import Party, RuleRejectedError

    from .helpers import intake

    engine = make_engine("memory" if spec == "memory" else f"sqlite:///{tmp_path / 'b.db'}")
    others = [Party.person(f"{p.name}乙", role=p.role, address=p.address) for p in parties()]
    first = intake(engine, parties=others)

    def amend_then_register() -> None:
        with engine.batch():
            engine.fire(first.id, "amend_registration", actor=CLERK, at=at("2026-03-03", 9),
                        reason="当事人姓名登记有误", parties=parties())  # fmt: skip
            intake(engine, when=at("2026-03-03", 10), details={})

    with pytest.raises(RuleRejectedError, match="相同当事人的同类纠纷正在办理"):
        amend_then_register()
    assert engine.get(first.id).parties == first.parties  # the batch rolled back
    engine.close()


def _naive_find_keys(
    cases: list[Case], keys: frozenset[str], limit: int, exclude: str
) -> list[tuple[str, str]]:
    """The store's key lookup, by its definition: every (case, key) sharing a key but the
    excluded case's own, in order, the first ``limit``."""
    hits = sorted((c.id, k) for c in cases for k in c.keys & keys if c.id != exclude)
    return hits[:limit]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from([1, 2, 3, 5, 6, 7]),
            st.sampled_from(["邻里排水纠纷", "宅基地界址纠纷", "噪声"]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(1, 4),
)
def test_the_key_lookup_is_the_same_on_every_store(
    registrations: list[tuple[int, str]], limit: int
) -> None:
    """The cases sharing a key are found alike in memory and in SQLite, and as the lookup
    defines them: an asking case never finds itself; a page is the first matches in order."""
    pool = parties()
    with tempfile.TemporaryDirectory() as d:
        engines = [_engine("memory"), _engine(f"sqlite:///{Path(d) / 'k.db'}")]
        try:
            for engine in engines:
                for n, (mask, summary) in enumerate(registrations):
                    who = [p for i, p in enumerate(pool) if mask & (1 << i)]
                    _register(engine, summary, f"2026-03-{n + 2:02d}", who)
            for engine in engines:
                cases = engine.find(limit=100)
                for case in cases:
                    want = _naive_find_keys(cases, case.keys, limit, case.id)
                    got = engine._store.find_keys(case.keys, limit=limit, exclude=case.id)
                    assert got == want
                    assert engine._store.find_keys(list(case.keys) * 2, limit=limit) == (
                        _naive_find_keys(cases, case.keys, limit, "")
                    )
        finally:
            for engine in engines:
                engine.close()
