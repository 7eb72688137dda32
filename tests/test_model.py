"""The domain values: parties validate their IDs, times must be aware, enums carry labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import (
    CaseKind,
    DeadlineStatus,
    Party,
    PartyKind,
    PartyRole,
    Place,
    ValidationError,
)
from mediation.model import (
    _COPIERS,
    CHINA_TZ,
    Case,
    Channel,
    ClockKind,
    Deadline,
    Event,
    Intake,
    Risk,
    aware,
    evolve,
    maker,
)

_REGISTRATION: dict[str, Any] = {
    "category": "neighbor",
    "summary": "s",
    "channel": Channel.walk_in,
    "received_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    "parties": (),
}


def test_person_with_valid_resident_id_is_accepted() -> None:
    """A resident ID with a correct GB 11643 check digit is kept, normalised."""
    p = Party.person("张三", id_number="11010519491231002x", role="applicant")
    assert p.id_number == "11010519491231002X"
    assert p.kind is PartyKind.person
    assert p.role is PartyRole.applicant


@pytest.mark.parametrize(
    "bad", ["110105194912310021", "11010519491231002", "abc", "110105194913310028"]
)
def test_person_with_invalid_resident_id_is_refused(bad: str) -> None:
    """A wrong checksum, length or date is refused, naming the id_number field."""
    with pytest.raises(ValidationError) as err:
        Party.person("张三", id_number=bad)
    assert err.value.field == "id_number"


def test_organisation_validates_credit_code() -> None:
    """A unified social credit code is checked with GB 32100."""
    org = Party.organisation("某物业公司", org_code="91331121MA2E1X2Y3K")
    assert org.identifier == "91331121MA2E1X2Y3K"
    with pytest.raises(ValidationError) as err:
        Party.organisation("某物业公司", org_code="91331121MA2E1X2Y3A")
    assert err.value.field == "org_code"


def test_party_role_and_agent_are_checked() -> None:
    """An unknown role is refused; an agent must say whom it represents."""
    with pytest.raises(ValidationError) as err:
        Party.person("张三", role="judge")
    assert err.value.field == "role"
    with pytest.raises(ValidationError) as err:
        Party.person("律师甲", role="agent")
    assert err.value.field == "agent_of"
    assert Party.person("律师甲", role="agent", agent_of="张三").agent_of == "张三"


def test_naive_datetime_is_refused() -> None:
    """Only timezone-aware datetimes are accepted."""
    with pytest.raises(ValidationError) as err:
        aware(dt.datetime(2026, 1, 1, 9), "at")
    assert err.value.field == "at"


def test_enums_have_chinese_labels() -> None:
    """Every enum member displays in Chinese and stores a lower-case value."""
    for enum_type in (CaseKind, PartyRole, PartyKind, DeadlineStatus, Channel):
        for member in enum_type:
            assert member.value == member.value.lower()
            assert member.label
            assert member.label != member.value
    assert PartyRole.respondent.label == "被申请人"


def test_place_code_is_twelve_digits() -> None:
    """A statistical division code has 12 digits."""
    assert Place("青田县", "331121000000").code == "331121000000"
    with pytest.raises(ValidationError):
        Place("青田县", "3311")


def test_amount_is_decimal_never_float() -> None:
    """Amounts are Decimals; floats and negatives are refused."""
    base = _REGISTRATION
    intake = Intake(amount="3000.50", **base)
    case = Case("x", "c", CaseKind.dispute, "dispute", 1, "received", "u", intake)
    assert case.amount == Decimal("3000.50")
    with pytest.raises(ValidationError):
        Intake(amount=3000.5, **base)
    with pytest.raises(ValidationError):
        Intake(amount="-1", **base)


_CASE_CHANGES = st.fixed_dictionaries(
    {},
    optional={
        "state": st.sampled_from(["received", "accepted", "closed"]),
        "unit": st.text(min_size=1, max_size=8),
        "level": st.none() | st.sampled_from(["village", "town"]),
        "risk": st.sampled_from(list(Risk)),
        "flags": st.frozensets(st.text(max_size=4), max_size=3),
        "assignees": st.tuples(st.text(min_size=1, max_size=4)),
        "outcome": st.none() | st.text(max_size=10),
        "version": st.integers(1, 10_000),
        "head": st.text(alphabet="0123456789abcdef", max_size=64),
        "details": st.none() | st.integers(),
    },
)


@given(_CASE_CHANGES)
def test_evolve_is_attrs_evolve(changes: dict[str, object]) -> None:
    """The one copy idiom gives what :func:`attrs.evolve` gives — an equal, hashable, frozen
    ``Case`` with the changes and every other field kept — though a ``Case`` is copied by
    slot rather than through its constructor (the engine copies a case several times a step)."""
    case = Case("x", "c", CaseKind.dispute, "dispute", 1, "received", "u", Intake(**_REGISTRATION))
    copy = evolve(case, **changes)
    assert _COPIERS[Case].copy is not None  # copied by slot, not through the constructor
    expected = attrs.evolve(case, **changes)
    assert type(copy) is Case
    assert copy == expected
    assert hash(copy) == hash(expected)
    assert all(getattr(copy, a.name) is getattr(expected, a.name) for a in attrs.fields(Case))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        copy.state = "closed"  # type: ignore[misc]
    assert case.state == "received"
    with pytest.raises(TypeError, match="Case has no field 'stat'"):
        evolve(case, stat="closed", **changes)


def test_evolve_runs_validators_where_a_class_has_them() -> None:
    """A class with validators or converters is rebuilt through its constructor: a bad value
    is refused as by the constructor, never slipped in by the copy."""
    party = Party.person("张三", role="applicant")
    with pytest.raises(ValidationError) as err:
        evolve(party, role="judge")
    assert err.value.field == "role"
    with pytest.raises(TypeError):
        evolve(party, no_such_field=1)


_INSTANTS = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.just(CHINA_TZ),
)
_DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))
_TEXT = st.text(max_size=6)


@given(
    st.tuples(
        _TEXT, st.integers(1, 10**6), _TEXT, _TEXT, _INSTANTS, _TEXT, _TEXT,
        st.dictionaries(_TEXT, st.integers() | _TEXT, max_size=3), _TEXT, _TEXT,
    ),
    st.none() | _TEXT,
    st.none() | st.dictionaries(_TEXT, st.integers(), max_size=2),
)  # fmt: skip
def test_a_made_event_is_the_constructed_one(
    head: tuple[Any, ...], seal: str | None, facts: dict[str, int] | None
) -> None:
    """An :class:`Event` made as the engine makes one per step (:func:`maker`) equals, hashes
    and freezes as the one its constructor makes, by position and by name, with the same
    defaults (a fresh ``facts`` each time)."""
    make = maker(Event)
    assert make is not Event  # made slot by slot, not through the constructor
    extra: list[Any] = [] if seal is None else [seal] if facts is None else [seal, facts]
    made, built = make(*head, *extra), Event(*head, *extra)
    names = [a.name for a in attrs.fields(Event)]
    by_name = make(**dict(zip(names, [*head, *extra], strict=False)))
    for value in (made, by_name):
        assert type(value) is Event
        assert value == built
        assert all(getattr(value, n) is getattr(built, n) for n in names if n != "facts")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            value.seq = 0  # type: ignore[misc]
    if facts is None:
        assert made.facts == {}
        assert made.facts is not make(*head).facts  # a factory default is not shared
    with pytest.raises(TypeError):
        make(*head[:-1])  # a field without a default is required


@given(_TEXT, _DAYS, _DAYS, _INSTANTS, st.sampled_from(list(DeadlineStatus)), st.booleans())
def test_a_made_deadline_is_the_constructed_one(
    period: str,
    start: dt.date,
    due: dt.date,
    due_at: dt.datetime,
    status: DeadlineStatus,
    estimated: bool,
) -> None:
    """A :class:`Deadline` made as a step opens a clock equals the constructed one; a class
    with something to run on its fields (a validator) keeps its own constructor."""
    make = maker(Deadline)
    kwargs = {"id": f"{period}-2", "period": period, "start": start, "due": due, "due_at": due_at}
    made = make(**kwargs, status=status, estimated=estimated, kind=ClockKind.target)
    built = Deadline(**kwargs, status=status, estimated=estimated, kind=ClockKind.target)
    assert type(made) is Deadline
    assert made == built
    assert hash(made) == hash(built)
    assert make(**kwargs) == Deadline(**kwargs)
    assert maker(Party) is Party
