"""Values remembered by identity give the same answer as computing them afresh.

An event's parts are encoded once for its hash and its store (``_codec.event_text``),
a registration's dispute keys once per intake (``dispute_keys``), and a due instant's text
once for the steps that log it (``clockbook._instant_text``): a stale answer would break
the audit chain, miss a duplicate or log another instant, so these check the memo against the
plain computation over many values, old ones dropped and their memory reused.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import Case, Intake, Party
from mediation._codec import dumps, event_text
from mediation.model import CHINA_TZ, evolve
from mediation.rules.clockbook import _instant_text
from mediation.rules.dispute import dispute_keys

from .helpers import at

_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
_parts = st.dictionaries(
    st.text(min_size=1, max_size=6),
    st.recursive(_leaf, lambda inner: st.lists(inner, max_size=3), max_leaves=6),
    max_size=5,
)


@settings(max_examples=60)
@given(st.lists(_parts, min_size=1, max_size=30))
def test_event_text_is_the_canonical_json_of_each_part(parts: list[dict[str, Any]]) -> None:
    for part in parts:
        assert event_text(part) == dumps(part)
        assert event_text(part) == event_text(dict(part))  # an equal object, another identity


def test_a_new_object_at_a_freed_address_is_encoded_afresh() -> None:
    seen = set()
    for i in range(200):
        part = {"n": i}  # each freed after its turn: its address is soon reused
        seen.add(id(part))
        assert json.loads(event_text(part)) == {"n": i}
    assert len(seen) < 200  # the addresses were reused, so the identity check mattered


_INSTANTS = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.just(CHINA_TZ),
)


@settings(max_examples=60)
@given(st.lists(_INSTANTS, min_size=1, max_size=80), st.data())
def test_an_instant_logged_again_reads_as_its_iso_text(
    instants: list[dt.datetime], data: st.DataObject
) -> None:
    """A clock's due instant is logged with every step that computed it: the remembered
    text is its ISO text, for the same object again and for an equal one."""
    for when in [*instants, *data.draw(st.permutations(instants))]:
        assert _instant_text(when) == when.isoformat()
        assert _instant_text(when.replace()) == when.isoformat()


def test_a_new_instant_at_a_freed_address_is_written_afresh() -> None:
    seen = set()
    start = dt.datetime(2026, 3, 2, tzinfo=CHINA_TZ)
    for i in range(200):
        when = start + dt.timedelta(minutes=i)  # freed after its turn: its address is reused
        seen.add(id(when))
        assert _instant_text(when) == when.isoformat()
    assert len(seen) < 200


def _case(names: list[str], category: str) -> Case:
    when = at("2026-03-02", 9).astimezone(CHINA_TZ)
    return Case(
        id="c",
        code="",
        kind="dispute",
        workflow="dispute",
        workflow_version=1,
        state="received",
        unit="u",
        intake=Intake(
            category=category,
            summary="s",
            channel="walk_in",
            received_at=when,
            parties=tuple(
                Party.person(n, role="applicant" if i == 0 else "respondent", id=f"p{i + 1}")
                for i, n in enumerate(names)
            ),
        ),
    )


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(["张三", "李四", "王五", "Ｚｈａｏ", "zhao"]), min_size=1),
            st.sampled_from(["neighbor", "family", "labour"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_dispute_keys_follow_the_registration(cases: list[tuple[list[str], str]]) -> None:
    for names, category in cases:
        case = _case(names, category)
        again = _case(names, category)  # the same registration, another object
        assert tuple(dispute_keys(case)) == tuple(dispute_keys(again))
        other = "family" if category != "family" else "neighbor"
        moved = evolve(case, intake=evolve(case.intake, category=other))
        assert tuple(dispute_keys(moved))[-1] != tuple(dispute_keys(case))[-1]
        assert tuple(dispute_keys(moved))[:-1] == tuple(dispute_keys(case))[:-1]
