"""Keyset paging of ``Engine.find``: ``after``/``before`` cursors walk exactly the cases of
one unpaged query, in (received_at, id) order, on every backend, through any filter."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import Case, Engine, ValidationError

from .helpers import ADMIN, MEDIATOR, at, intake, mediating, to_state

TIMES = [at("2026-03-01", 8), at("2026-03-01", 8, 30), at("2026-03-01", 9), at("2026-03-02", 9)]
"""Few distinct receiving times, so many cases tie on received_at and the id breaks the tie."""
FILTERS: list[dict[str, Any]] = [
    {},
    {"state": "received"},
    {"state": "accepted"},
    {"state": "closed"},
    {"category": "family"},
    {"unit": "qt-dm"},
    {"within": "qt-dm"},
    {"state": "received", "category": "neighbor", "within": "qt"},
]


def _populate(engine: Engine, n: int = 24) -> list[Case]:
    """``n`` cases registered out of time order, some of them accepted, in two units."""
    rng = random.Random(6)
    made = []
    for i in range(n):
        case = intake(
            engine,
            when=rng.choice(TIMES),
            category="family" if i % 3 == 0 else "neighbor",
            unit="qt-dm" if i % 4 == 0 else "qt-dm-dmc",
            actor=ADMIN,
        )
        if i % 5 == 1 and case.unit == "qt-dm-dmc":
            case = to_state(engine, case.id, "accepted")
        made.append(case)
    return made


def _key(case: Case) -> tuple[dt.datetime, str]:
    return case.received_at, case.id


def _walk_forward(engine: Engine, size: int, **filters: Any) -> list[str]:
    seen: list[str] = []
    page = engine.find(limit=size, **filters)
    while page:
        assert len(page) <= size
        seen += [c.id for c in page]
        page = engine.find(after=_key(page[-1]), limit=size, **filters)
    return seen


def _walk_backward(engine: Engine, size: int, **filters: Any) -> list[str]:
    everything = engine.find(limit=100_000, **filters)
    if not everything:
        return []
    last = everything[-1]
    seen = [last.id]
    page = engine.find(before=_key(last), limit=size, **filters)
    while page:
        seen = [c.id for c in page] + seen
        page = engine.find(before=_key(page[0]), limit=size, **filters)
    return seen


def test_cursor_pages_equal_one_unpaged_query_on_every_backend(engine: Engine) -> None:
    """Forward with ``after`` and backward with ``before``, every filter and page size gives
    the unpaged query's cases in (received_at, id) order, none twice; the order itself is
    (received_at, id) on memory, SQLite and PostgreSQL alike."""
    made = _populate(engine)
    expected_all = [c.id for c in sorted(made, key=_key)]
    assert [c.id for c in engine.find(limit=1000)] == expected_all
    for filters in FILTERS:
        whole = [c.id for c in engine.find(limit=1000, **filters)]
        for size in (1, 2, 5, 50):
            assert _walk_forward(engine, size, **filters) == whole, (filters, size)
            assert _walk_backward(engine, size, **filters) == whole, (filters, size)


def test_a_page_after_a_cursor_is_the_offset_page(engine: Engine) -> None:
    """The page after the 7th case is the page at offset 7; ``offset`` counts from a cursor."""
    _populate(engine)
    whole = engine.find(limit=1000)
    seventh = whole[6]
    assert engine.find(after=_key(seventh), limit=5) == engine.find(offset=7, limit=5)
    assert engine.find(after=_key(seventh), offset=2, limit=3) == whole[9:12]
    assert engine.find(before=_key(seventh), limit=4) == whole[2:6]
    assert engine.find(before=_key(seventh), offset=1, limit=4) == whole[1:5]
    assert engine.find(before=_key(whole[0])) == []
    assert engine.find(after=_key(whole[-1])) == []


def test_a_cursor_between_stored_positions_and_in_any_timezone(engine: Engine) -> None:
    """A cursor need not be a stored case: any instant (any UTC offset) and id position works."""
    made = sorted(_populate(engine), key=_key)
    t = TIMES[1].astimezone(dt.UTC)
    expected = [c.id for c in made if _key(c) > (TIMES[1], "")]
    assert [c.id for c in engine.find(after=(t, "0"), limit=1000)] == [
        c.id for c in made if _key(c) > (TIMES[1], "0")
    ]
    assert [c.id for c in engine.find(after=(t - dt.timedelta(microseconds=1), "z"))] == expected


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        (at("2026-03-01", 8),),
        (dt.datetime(2026, 3, 1, 8), "x"),  # naive: no instant
        (at("2026-03-01", 8), ""),
        (at("2026-03-01", 8), 5),
        [at("2026-03-01", 8), "x"],
    ],
)
def test_a_malformed_cursor_is_a_validation_error(mem_engine: Engine, cursor: object) -> None:
    """A cursor is a (timezone-aware datetime, case id) pair; anything else names the field."""
    with pytest.raises(ValidationError) as err:
        mem_engine.find(after=cursor)  # type: ignore[arg-type]
    assert err.value.field == "after"
    with pytest.raises(ValidationError) as err:
        mem_engine.find(before=cursor)  # type: ignore[arg-type]
    assert err.value.field == "before"


def test_after_and_before_together_are_refused(mem_engine: Engine) -> None:
    """One direction at a time."""
    c = intake(mem_engine)
    with pytest.raises(ValidationError) as err:
        mem_engine.find(after=_key(c), before=_key(c))
    assert err.value.field == "before"


@pytest.mark.parametrize("backend_name", ["memory", "sqlite"])
def test_paging_with_after_through_any_filter_is_one_query(
    backend_name: str, tmp_path: Any
) -> None:
    """Property: for any filter, page size, and starting cursor (a case's position, or a
    point between), paging with ``after`` yields exactly the unpaged query's cases after
    that point, in order, none twice; ``before`` walks the same cases back."""
    from .conftest import make_engine

    spec = "memory" if backend_name == "memory" else f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(spec)
    try:
        made = _populate(engine, 30)
        keys = sorted(_key(c) for c in made)

        @settings(max_examples=60)
        @given(
            filters=st.sampled_from(FILTERS),
            size=st.integers(1, 12),
            start=st.one_of(
                st.none(),
                st.sampled_from(keys),
                st.tuples(st.sampled_from(TIMES), st.sampled_from(["0", "8", "f", "~"])),
            ),
        )
        def prop(filters: dict[str, Any], size: int, start: tuple[dt.datetime, str] | None) -> None:
            whole = engine.find(limit=1000, **filters)
            want = [c.id for c in whole if start is None or _key(c) > start]
            got: list[str] = []
            page = engine.find(after=start, limit=size, **filters)
            while page:
                assert [_key(c) for c in page] == sorted(_key(c) for c in page)
                got += [c.id for c in page]
                page = engine.find(after=_key(page[-1]), limit=size, **filters)
            assert got == want
            assert len(set(got)) == len(got)
            assert _walk_backward(engine, size, **filters) == [c.id for c in whole]

        prop()
    finally:
        engine.close()


def test_find_by_assignee_gives_exactly_the_cases_an_actor_handles_on_every_backend(
    engine: Engine,
) -> None:
    """``assignee`` filters in the store (memory, SQLite's JSON, PostgreSQL's JSONB): the
    cases whose handlers include the actor, among many others, in list order and by cursor;
    an actor handling nothing gets nothing; a blank assignee is refused by name.
    ``unassigned`` gives exactly the cases nobody handles, likewise."""
    mine: list[str] = []
    for i in range(9):
        case = intake(engine, when=TIMES[i % len(TIMES)], actor=ADMIN)
        if i % 3 == 0:
            handlers = [MEDIATOR.id] if i % 2 == 0 else ["med-2", MEDIATOR.id]
            mine.append(mediating(engine, case.id, handlers).id)
        elif i % 3 == 2:
            mediating(engine, case.id, ["med-2"])
    everything = engine.find(limit=1000, actor=ADMIN)
    expected = [c.id for c in everything if MEDIATOR.id in c.assignees]
    assert sorted(expected) == sorted(mine)
    assert [c.id for c in engine.find(assignee=MEDIATOR.id, actor=ADMIN)] == expected
    assert _walk_forward(engine, 2, assignee=MEDIATOR.id, actor=ADMIN) == expected
    in_mediation = engine.find(assignee=MEDIATOR.id, state="mediating", actor=ADMIN)
    assert [c.id for c in in_mediation] == expected
    assert engine.find(assignee="nobody", actor=ADMIN) == []
    with pytest.raises(ValidationError) as err:
        engine.find(assignee="", actor=ADMIN)
    assert err.value.field == "assignee"
    waiting = [c.id for c in everything if not c.assignees]
    assert len(waiting) == 3
    assert [c.id for c in engine.find(unassigned=True, actor=ADMIN)] == waiting
    assert _walk_forward(engine, 2, unassigned=True, actor=ADMIN) == waiting
    with pytest.raises(ValidationError) as err:
        engine.find(unassigned=True, assignee=MEDIATOR.id, actor=ADMIN)
    assert err.value.field == "unassigned"
