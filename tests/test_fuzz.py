"""Fuzz every public entry point: nothing but typed errors, nothing poisoned.

Each test drives one entry point with arguments that mix plausible values
with the nasty ones a tester found (lone surrogates, bidi overrides, control
characters, huge ints and strings, floats and NaN, booleans, ``None``,
deeply nested and self-containing structures, mixed sets, bytes, objects of
random classes, strings where lists belong and lists where strings belong,
naive datetimes and datetimes at year 1 or 9999, dates for datetimes and
datetimes for dates...), and asserts, for every example:

* the call returns or raises within :data:`LIMIT` seconds;
* whatever it raises is a :class:`mediation.MediationError`;
* a refusal writes nothing: the case and its history are unchanged and no
  case was added (read back with ``Actor.system()``);
* an accepted intake or step leaves a case that verifies and can be read back.

Values that cannot be printed usefully (huge, deep, self-containing,
unprintable) are generated as :class:`Nasty` tokens, built fresh for each
call and printed by their label, so a falsifying example reads well.

Each public entry point gets :data:`EXAMPLES` (1000) examples on the in-memory
engine: ``intake``, ``fire`` (on a fresh case driven to each state),
``available_triggers``, ``get``, ``find``, ``due``, ``history``, ``render``
(text/html/docx; PDF, at 1-2 s a document, gets a dozen), ``explain``,
``verify``, ``extend_deadline``, ``issue_document``, ``supervise``,
``migrate_case``, and the constructors ``Party``, ``Party.person``,
``Party.organisation``, ``Place`` and ``Actor``. Intake, fire, the reads and
supervise also run, fewer times, on SQLite. ``MEDIATION_FUZZ_EXAMPLES=200``
shortens a local run; ``MEDIATION_FUZZ_EXAMPLES=10000`` searches deeper (the suite keeps
1000 so that the whole of it stays within its time budget).

Every failure is reported through :func:`_fail` with the exact call (and the
library frame it escaped from); a plugin that replaces ``_fail`` can collect
every distinct failure of a run instead of stopping at the first of each test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from mediation import (
    Actor,
    Case,
    CaseKind,
    Channel,
    Engine,
    MediationError,
    Party,
    PartyKind,
    PartyRole,
    Place,
    Risk,
    Role,
)
from mediation._demo import CLERK, DIRECTOR, MEDIATOR, parties, policy
from mediation._demo import run as run_demo
from mediation.model import CHINA_TZ
from mediation.rules.periods import Approver
from mediation.workflows import CORE_STEPS
from mediation.workflows.dispute import DISPUTE

from .conftest import make_engine
from .helpers import ADMIN, agreement, at, intake, to_state
from .strategies import inputs_for, resident_ids
from .test_stateful import GOOD_INPUTS

EXAMPLES = int(os.environ.get("MEDIATION_FUZZ_EXAMPLES", "1000"))
"""Examples per public entry point (in-memory engine); the variable shortens a local run."""
SQLITE_EXAMPLES = max(EXAMPLES * 3 // 20, 1)
"""Examples of the SQLite runs (intake, fire and the reads: where the store matters)."""
LIMIT = 5.0
"""Seconds any one call may take before the example fails as a hang."""

FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
FUZZ_SQLITE = settings(
    max_examples=SQLITE_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)

SYSTEM = Actor.system()
POLICY = policy()


# -- reporting ----------------------------------------------------------------------


def _fail(message: str, cause: BaseException | None = None) -> None:
    """Fail the example (a collecting plugin may replace this to gather every failure)."""
    raise AssertionError(message) from cause


def _show(value: Any, width: int = 160) -> str:
    """A short, never-failing repr (tokens print as their label)."""
    if isinstance(value, Nasty):
        return repr(value)
    try:
        text = repr(value)
    except Exception as exc:  # an unprintable value must not hide the failure
        text = f"<{type(value).__name__} whose repr raises {type(exc).__name__}>"
    return text if len(text) <= width else text[: width - 3] + "..."


def _where(exc: BaseException) -> str:
    """The innermost frame of the library in the exception's traceback (file:line function)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/mediation/" in f.filename.replace("\\", "/")]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    path = frame.filename.replace("\\", "/")
    short = path.split("/src/", 1)[-1] if "/src/" in path else path.rsplit("/", 2)[-1]
    return f"{short}:{frame.lineno} in {frame.name}"


def _call_text(entry: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> str:
    parts = [_show(a) for a in args] + [f"{k}={_show(v)}" for k, v in kwargs.items()]
    return f"{entry}({', '.join(parts)})"


# -- nasty values -----------------------------------------------------------------


class Nasty:
    """A generated value built fresh at call time (see :func:`realize`), printed by its label."""

    __slots__ = ("label", "make")

    def __init__(self, label: str, make: Callable[[], Any]) -> None:
        self.label = label
        self.make = make

    def __repr__(self) -> str:
        return self.label


def realize(value: Any) -> Any:
    """Build the tokens inside a generated argument (only the generated containers are walked)."""
    if isinstance(value, Nasty):
        return value.make()
    if type(value) is list:
        return [realize(v) for v in value]
    if type(value) is tuple:
        return tuple(realize(v) for v in value)
    if type(value) is dict:
        return {realize(k): realize(v) for k, v in value.items()}
    return value


def _deep_list(depth: int = 1000) -> list[Any]:
    value: list[Any] = ["x"]
    for _ in range(depth):
        value = [value]
    return value


def _deep_dict(depth: int = 1000) -> dict[str, Any]:
    value: dict[str, Any] = {"x": "y"}
    for _ in range(depth):
        value = {"a": value}
    return value


def _deep_mixed(depth: int = 1000) -> Any:
    value: Any = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"terms": value}
    return value


def _self_list() -> list[Any]:
    value: list[Any] = []
    value.append(value)
    return value


def _self_dict() -> dict[str, Any]:
    value: dict[str, Any] = {}
    value["self"] = value
    return value


def _self_agreement() -> dict[str, Any]:
    terms: list[Any] = ["条款"]
    terms.append(terms)
    return {"form": "written", "terms": terms}


class _Unprintable:
    """An object whose repr and str raise (the library promises to survive it)."""

    def __repr__(self) -> str:
        raise RuntimeError("this object cannot be printed")

    def __str__(self) -> str:
        raise RuntimeError("this object cannot be printed")


class _EqualsAll:
    """An object equal to everything (hash 0)."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<equals everything>"


class _NoOffset(dt.tzinfo):
    """A tzinfo that gives no offset: the datetime looks aware but is naive."""

    def utcoffset(self, _when: dt.datetime | None) -> dt.timedelta | None:
        return None

    def dst(self, _when: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, _when: dt.datetime | None) -> str | None:
        return None

    def __repr__(self) -> str:
        return "_NoOffset()"


def _generator() -> Iterator[str]:
    yield "一"
    yield "二"


_BASES: dict[str, tuple[type, Any]] = {
    "object": (object, None),
    "str": (str, "walk_in"),
    "str-unit": (str, "qt-dm-dmc"),
    "int": (int, 3),
    "float": (float, 1.5),
    "list": (list, ["a"]),
    "dict": (dict, {"a": 1}),
    "tuple": (tuple, ("a",)),
    "bytes": (bytes, b"a"),
    "Exception": (Exception, "boom"),
    "Decimal": (Decimal, "3000"),
}


def _random_object(base: str, n: int) -> Any:
    """An instance of a fresh class named ``Random<n>`` derived from ``base``."""
    parent, arg = _BASES[base]
    cls = type(f"Random{n}", (parent,), {"__module__": "fuzz"})
    return cls() if arg is None else cls(arg)


TOKENS = [
    Nasty("10**5000", lambda: 10**5000),
    Nasty("-10**5000", lambda: -(10**5000)),
    Nasty("'x'*100_001", lambda: "x" * 100_001),
    Nasty("'名'*1_000_000", lambda: "名" * 1_000_000),
    Nasty("'\\u202e'*200_000", lambda: "\u202e" * 200_000),
    Nasty("['a']*100_000", lambda: ["a"] * 100_000),
    Nasty("deep_list(1000)", _deep_list),
    Nasty("deep_list(5000)", lambda: _deep_list(5000)),
    Nasty("deep_dict(1000)", _deep_dict),
    Nasty("deep_mixed(1000)", _deep_mixed),
    Nasty("self_list()", _self_list),
    Nasty("self_dict()", _self_dict),
    Nasty("self_agreement()", _self_agreement),
    Nasty("Unprintable()", _Unprintable),
    Nasty("EqualsAll()", _EqualsAll),
    Nasty("generator()", _generator),
    Nasty("{1, 'a'}", lambda: {1, "a"}),
    Nasty("frozenset({1, 'a', None})", lambda: frozenset({1, "a", None})),
    Nasty("[[]]", lambda: [[]]),
    Nasty("[1]", lambda: [1]),
    Nasty("['a', 1]", lambda: ["a", 1]),
    Nasty("[None]", lambda: [None]),
    Nasty("['']", lambda: [""]),
    Nasty("{}", dict),
    Nasty("[]", list),
    Nasty("{1: 'a'}", lambda: {1: "a"}),
    Nasty("{None: None}", lambda: {None: None}),
    Nasty("{'a': 1}", lambda: {"a": 1}),
    Nasty("bytearray(b'walk_in')", lambda: bytearray(b"walk_in")),
    Nasty("memoryview(b'x')", lambda: memoryview(b"x")),
    Nasty("iter(['a'])", lambda: iter(["a"])),
]

TEXTS = [
    "",
    " ",
    "\t\n\r",
    "\ud800",
    "a\udfffb",
    "\u202e",
    "名\u202e字",
    "\u2066x\u2069",
    "\u200f",
    "\x00",
    "a\x07",
    "\x1b[2J",
    "\x7f",
    "\x85",
    "\ufeff",
    "\ufffa",
    "13800000001\n",
    "walk_in\x00",
    "qt-dm-dmc ",
    " dispute",
    "DISPUTE",
    "None",
    "null",
    "-1",
    "NaN",
    "1e309",
    "2026-03-02",
    "2026-03-02T09:00:00+08:00",
    "abc",
    "青田县",
    "x",
    "../../etc/passwd",
    "{{ 7*7 }}",
    "{% for i in range(99999999) %}x{% endfor %}",
    "<script>alert(1)</script>",
    "'; DROP TABLE cases;--",
    "😀",
    "\U0010ffff",
    "a" + "\u0300" * 50,
]

SCALARS = [
    None,
    True,
    False,
    0,
    -1,
    1,
    5,
    13800000001,
    2**63,
    -(2**63) - 1,
    1.5,
    -0.0,
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-0"),
    Decimal("1E+999999"),
    complex(1, 2),
    Fraction(1, 3),
    b"",
    b"abc",
    b"\xff\xfe",
    range(3),
    Ellipsis,
    object,
    str,
    dt.time(9),
    dt.timedelta(days=1),
    Risk.high,
    PartyRole.applicant,
    Role.admin,
]

ZONES = [
    CHINA_TZ,
    dt.UTC,
    dt.timezone(dt.timedelta(hours=14)),
    dt.timezone(-dt.timedelta(hours=12)),
    dt.timezone(dt.timedelta(hours=23, minutes=59)),
    ZoneInfo("America/New_York"),
]

TIMES = [
    dt.datetime(1, 1, 1),
    dt.datetime(1, 1, 1, tzinfo=dt.UTC),
    dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=CHINA_TZ),
    dt.datetime(9999, 12, 31, tzinfo=dt.timezone(-dt.timedelta(hours=12))),
    dt.datetime(2026, 3, 2, 9),
    dt.datetime(2026, 3, 2, 9, tzinfo=_NoOffset()),
    dt.date(2026, 3, 2),
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.datetime(1899, 12, 31, 23, tzinfo=CHINA_TZ),
    dt.datetime(1900, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=14))),
    dt.datetime(2199, 12, 31, 23, tzinfo=dt.timezone(-dt.timedelta(hours=12))),
    dt.datetime(2199, 12, 31, 23, 59, tzinfo=CHINA_TZ),
    dt.datetime(1900, 1, 1, tzinfo=CHINA_TZ),
    1772413200,
    1772413200.0,
]

WILD_TEXT = st.text(st.characters(exclude_categories=()), max_size=12)


def _token(label: str) -> Nasty:
    return next(t for t in TOKENS if t.label == label)


REPORTED = [
    "\ud800",
    "\u202e",
    "\x00",
    "a\x07",
    _token("10**5000"),
    1.5,
    float("nan"),
    True,
    None,
    "",
    _token("deep_list(1000)"),
    _token("deep_dict(1000)"),
    _token("self_list()"),
    _token("{1, 'a'}"),
    "abc",
    "青田县",
    0,
    5,
    13800000001,
    "13800000001\n",
    _token("[1]"),
    dt.datetime(1, 1, 1),
    dt.datetime(9999, 12, 31, tzinfo=CHINA_TZ),
    dt.datetime(2026, 3, 2, 9),
    dt.date(2026, 3, 2),
    "2026-03-02",
    b"abc",
    _token("'x'*100_001"),
    _token("'名'*1_000_000"),
    _token("Unprintable()"),
]
"""The values the tester reported, drawn more often than the rest."""

NASTY: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(REPORTED),
    st.sampled_from(REPORTED),
    st.sampled_from(REPORTED),
    st.sampled_from(TEXTS),
    st.sampled_from(SCALARS),
    st.sampled_from(TOKENS),
    st.sampled_from(TIMES),
    WILD_TEXT,
    st.integers(),
    st.floats(),
    st.binary(max_size=8),
    st.datetimes(
        min_value=dt.datetime(1, 1, 1),
        max_value=dt.datetime(9999, 12, 31),
        timezones=st.one_of(st.none(), st.sampled_from(ZONES)),
    ),
    st.dates(),
    st.sets(st.one_of(st.integers(-3, 3), st.text(max_size=2)), max_size=3),
    st.lists(st.one_of(st.integers(), WILD_TEXT, st.none()), max_size=3),
    st.dictionaries(WILD_TEXT, st.one_of(st.integers(), WILD_TEXT), max_size=2),
    st.builds(_random_object, st.sampled_from(sorted(_BASES)), st.integers(0, 9)),
)
"""Any nasty value: the tester's list (weighted), more of the same kinds, and Hypothesis's own."""


@attrs.frozen
class F:
    """How one argument is drawn.

    Attributes:
        valid: Values the callee should accept (given the other arguments are valid).
        wrong: Plausible values it should refuse (a wrong name, a negative page...).
        optional: The argument may be left out.
    """

    valid: st.SearchStrategy[Any]
    wrong: st.SearchStrategy[Any] | None = None
    optional: bool = False


class _Omit:
    def __repr__(self) -> str:
        return "<omitted>"


OMIT = _Omit()
"""Leave the argument out (the callee's default applies)."""


@st.composite
def kwargs_of(draw: st.DrawFn, spec: Mapping[str, F]) -> tuple[dict[str, Any], frozenset[str]]:
    """Arguments by name, and the names given a wrong or nasty value.

    Three examples in four are *focused*: every argument valid but at most two,
    which get a wrong or nasty value, so each refusal is reached past every check
    before it. The fourth is *broad*: any argument may be anything.
    """
    names = list(spec)
    if draw(st.integers(0, 3)) == 0:
        bad = frozenset(names)
        choices = {
            n: st.one_of(f.valid, NASTY if f.wrong is None else f.wrong, NASTY)
            for n, f in spec.items()
        }
    else:
        bad = frozenset(draw(st.lists(st.sampled_from(names), max_size=2, unique=True)))
        choices = {
            n: (st.one_of(NASTY, f.wrong, NASTY) if f.wrong is not None else NASTY)
            if n in bad
            else f.valid
            for n, f in spec.items()
        }
    out: dict[str, Any] = {}
    for name, strategy in choices.items():
        if spec[name].optional and draw(st.integers(0, 4)) == 0:
            continue
        value = draw(strategy)
        if value is not OMIT:
            out[name] = value
    return out, bad


_KEYS = st.one_of(
    st.sampled_from(["note", "reason", "x", "", "\ud800", "__class__", "data", "None"]),
    st.text(max_size=6),
)


@st.composite
def tweak(draw: st.DrawFn, value: Any, rate: int = 6, *, keep: bool = False) -> Any:
    """``value`` (plain data) with some parts replaced, dropped or added as nasty values
    (``keep``: never the whole of it)."""
    if not keep and draw(st.integers(0, rate)) == 0:
        return draw(NASTY)
    if type(value) is dict:
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if draw(st.integers(0, 3 * rate)) == 0:
                continue
            out[key] = draw(tweak(item, rate + 2))
        if draw(st.integers(0, 3 * rate)) == 0:
            out[draw(_KEYS)] = draw(NASTY)
        return out
    if type(value) in (list, tuple):
        items = [draw(tweak(item, rate + 2)) for item in value]
        if draw(st.integers(0, 3 * rate)) == 0:
            items.append(draw(NASTY))
        return type(value)(items)
    return value


def _str_kwargs(data: Any) -> dict[str, Any]:
    """Inputs that can be passed as ``**data`` (no parameter name of ``fire`` itself)."""
    if type(data) is not dict:
        return {}
    taken = {"self", "case_id", "trigger", "actor", "at"}
    return {k: v for k, v in data.items() if isinstance(k, str) and k not in taken}


# -- plausible values --------------------------------------------------------------

GOD = Actor("god", frozenset(r.value for r in Role), "qt", "全能")
ACTORS = [
    CLERK,
    MEDIATOR,
    DIRECTOR,
    ADMIN,
    GOD,
    SYSTEM,
    Actor("town-m", {Role.mediator.value, Role.director.value}, "qt-dm", "镇调解员"),
    Actor("no-unit", {Role.clerk.value}),
    Actor("mars", {Role.director.value}, "mars", "外星人"),
    Actor("no-roles", frozenset(), "qt-dm-dmc"),
]
STRONG = st.sampled_from([GOD, SYSTEM])
"""Actors who may take every step on every case of the demo tree."""
WEAK = st.one_of(st.sampled_from(ACTORS), st.sampled_from([None, "clerk-li", "system"]))


def _times(lo: dt.datetime, hi: dt.datetime) -> st.SearchStrategy[dt.datetime]:
    return st.datetimes(min_value=lo, max_value=hi, timezones=st.sampled_from(ZONES))


ANY_TIME = _times(dt.datetime(2026, 1, 1), dt.datetime(2027, 3, 31))
LATE = _times(dt.datetime(2026, 4, 2), dt.datetime(2026, 11, 30))
"""After every step of the prepared cases (the longest path ends 2026-04-01)."""
LATEST = dt.datetime(2027, 6, 30, tzinfo=CHINA_TZ)
"""After every generated step time."""
WRONG_TIME = st.one_of(
    st.sampled_from(TIMES),
    _times(dt.datetime(2026, 1, 1), dt.datetime(2026, 3, 1)),
    _times(dt.datetime(1900, 1, 1), dt.datetime(2003, 12, 31)),
    _times(dt.datetime(2150, 1, 1), dt.datetime(2199, 12, 31)),
    st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2026, 12, 31)),
)
GOOD_TEXT = st.one_of(
    st.sampled_from(["张三", "邻里排水纠纷", "青田县东门镇东门村12号", "x", "a\tb\nc"]),
    st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=20).filter(
        str.strip
    ),
)
UNITS = ["qt", "qt-dm", "qt-dm-dmc"]
BAD_UNITS = ["nowhere", "QT", "", "qt-dm-dmc "]
TRIGGERS = sorted({t.value for t in DISPUTE.triggers} | {s.name.value for s in CORE_STEPS})
STEPS = ["extend_deadline", "issue_document", "supervise", "migrate_workflow"]
FROM: dict[str, list[str]] = {
    state.value: sorted(
        {str(t.trigger.value) for t in DISPUTE.transitions if state in t.source}
        | {"extend_deadline", "issue_document"}
    )
    for state in DISPUTE.states
}
"""The triggers a case in each state can take (and the listed steps)."""
INPUTS_OF: dict[str, type] = {
    **{str(t.trigger.value): t.inputs for t in DISPUTE.transitions},
    **{str(s.name.value): s.inputs for s in CORE_STEPS},
}
DOCUMENTS = list(DISPUTE.documents)
STATES = [s.value for s in DISPUTE.states]


def _uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


ORG_CODES = [_uscc("91331121MA2ABCDE1"), _uscc("91330000000000000")]
BAD_ORG_CODES = ["91331121MA2ABCDE1X", "", "123"]
TEXT = st.one_of(GOOD_TEXT, st.text())


def _demo_parties(choice: int) -> list[Any]:
    ps: list[Any] = parties()
    if choice == 1:
        ps.append(Party.person("赵六", id_number="110105198001010016", role="third_party"))
    elif choice == 2:
        ps[2] = Party.organisation("青田某公司", org_code=ORG_CODES[0])
    elif choice == 3:
        ps.append(Party.person("律师甲", role="agent", agent_of="张三"))
    elif choice == 4:
        ps.append(Party.person("赵六", role="third_party", id="p9"))
    return ps


def _bad_parties(choice: int) -> Any:
    ps: list[Any] = parties()
    return [
        ps[:1],
        [],
        [*ps, ps[0]],
        (*ps,),
        [*ps, Party.person("律师乙", role="agent", agent_of="nobody")],
        [*ps, Party.person("张三丰", id_number="332522196503120014", role="third_party")],
        [ps[0], ps[2], Party.person("x", role="third_party", id="p1")],
    ][choice]


VALID_PARTIES = st.integers(0, 4).map(_demo_parties)
WRONG_PARTIES = st.one_of(
    st.integers(0, 6).map(_bad_parties), VALID_PARTIES.flatmap(lambda v: tweak(v, 3, keep=True))
)
PLACES = [
    [Place("青田县", "331121000000"), Place("东门镇"), Place("东门村")],
    [Place("青田县")],
    [],
]
TEXT_LISTS = st.lists(GOOD_TEXT, max_size=3)


def intake_spec(existing: list[str]) -> dict[str, F]:
    """Every argument of ``Engine.intake``."""
    return {
        "workflow": F(
            st.sampled_from(["dispute", None]),
            st.sampled_from(["nope", "petition", "", "Dispute"]),
            optional=True,
        ),
        "kind": F(
            st.sampled_from(["dispute", CaseKind.dispute]),
            st.sampled_from([None, "petition", "x", OMIT]),
        ),
        "channel": F(st.sampled_from([*Channel, *(c.value for c in Channel)]), st.just("pigeon")),
        "category": F(st.sampled_from(list(POLICY.categories)), st.just("alien_abduction")),
        "parties": F(VALID_PARTIES, WRONG_PARTIES),
        "summary": F(GOOD_TEXT, st.sampled_from(["", " ", "\n"])),
        "unit": F(st.sampled_from(UNITS), st.sampled_from(BAD_UNITS)),
        "actor": F(st.sampled_from([GOD, SYSTEM, None]), WEAK, optional=True),
        "at": F(_times(dt.datetime(2004, 1, 1), dt.datetime(2026, 12, 31)), WRONG_TIME, True),
        "claims": F(TEXT_LISTS, TEXT_LISTS.flatmap(lambda v: tweak(v, 2)), optional=True),
        "amount": F(
            st.one_of(
                st.sampled_from(["3000", "0", "3000.555", " 5 ", "999999999999999", None]),
                st.decimals(0, 10**14, allow_nan=False, places=2),
                st.integers(0, 10**14),
            ),
            st.sampled_from(["-1", "1e20", "abc", "", "0x10", 10**15, 1.5, True, Decimal("NaN")]),
            optional=True,
        ),
        "location": F(
            st.sampled_from(PLACES), st.sampled_from(PLACES).flatmap(lambda v: tweak(v, 2)), True
        ),
        "risk": F(st.sampled_from([*Risk, "low", "high"]), st.just("critical"), optional=True),
        "flags": F(
            st.lists(st.sampled_from(["collective", "x", "急"]), max_size=2).flatmap(
                lambda v: st.sampled_from([v, set(v), frozenset(v), tuple(v)])
            ),
            st.sampled_from(["collective", [""], [None]]),
            optional=True,
        ),
        "details": F(st.sampled_from([None, {}]), st.sampled_from([{"x": 1}, "", 0]), True),
        "case_id": F(
            st.one_of(st.none(), st.uuids().map(lambda u: u.hex), st.just("case-001")),
            st.sampled_from([*existing, ""]),
            optional=True,
        ),
    }


# -- running a call -----------------------------------------------------------------


class _Hang(BaseException):
    """Raised by the alarm: the call did not return in time (not an Exception on purpose)."""


@attrs.define
class _Clock:
    started: float = attrs.field(factory=time.monotonic)
    fired: bool = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


_SWALLOWING = frozenset({"gc_callback", "__del__"})
"""Frames where an exception is reported as unraisable and lost: the alarm waits them out."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[_Clock]:
    """Interrupt the block after ``seconds`` and every half second after (main thread),
    restoring any outer alarm (pytest-timeout's)."""
    clock = _Clock()

    def on_alarm(_signum: int, frame: Any) -> None:
        clock.fired = True
        if frame is None or frame.f_code.co_name not in _SWALLOWING:
            raise _Hang

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield clock
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:
            left = max(old_delay - clock.elapsed, 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)


@attrs.define
class Probe:
    """One fuzzed call and the problems found with it."""

    entry: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    accepted: bool = False
    result: Any = None
    error: BaseException | None = None
    problems: list[str] = attrs.field(factory=list)

    @property
    def text(self) -> str:
        return _call_text(self.entry, self.args, self.kwargs)

    def run(self, fn: Callable[..., Any]) -> Probe:
        """Call ``fn`` on the realized arguments; record what escaped."""
        args, kwargs = realize(self.args), realize(self.kwargs)
        clock = _Clock()
        try:
            with _time_limit(LIMIT) as clock:
                self.result = fn(*args, **kwargs)
            self.accepted = True
        except MediationError as exc:
            self.error = exc
        except _Hang as exc:
            self.error = exc
            self.problems.append(f"did not return within {LIMIT} s (interrupted)")
            return self
        except Exception as exc:
            self.error = exc
            self.problems.append(
                f"raised {type(exc).__module__}.{type(exc).__qualname__}, not a MediationError: "
                f"{_show(str(exc), 300)} [at {_where(exc)}]"
            )
        if clock.fired:
            self.problems.append(f"did not return within {LIMIT} s (took {clock.elapsed:.1f} s)")
        return self

    def expect(self, ok: bool, why: str) -> None:
        if not ok:
            self.problems.append(why)

    def read(self, what: str, fn: Callable[[], Any]) -> Any:
        """Read the engine after the call; a read that raises is a poisoned store."""
        try:
            with _time_limit(LIMIT):
                return fn()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.problems.append(
                f"afterwards, {what} raised {type(exc).__name__}: {_show(str(exc), 200)} "
                f"[at {_where(exc)}]"
            )
            return _UNREADABLE

    def finish(self) -> None:
        if self.problems:
            outcome = "accepted" if self.accepted else f"refused with {type(self.error).__name__}"
            _fail(
                f"{self.text} ({outcome}):\n  " + "\n  ".join(self.problems),
                self.error,
            )


_UNREADABLE = object()


def _count(engine: Engine) -> int:
    return len(engine.find(actor=SYSTEM, limit=100_000))


def _snapshot(engine: Engine, case_id: str) -> tuple[Any, int]:
    return engine.get(case_id, actor=SYSTEM), len(engine.history(case_id, actor=SYSTEM))


def _all(engine: Engine) -> dict[str, tuple[Any, int]]:
    return {
        c.id: (c, len(engine.history(c.id, actor=SYSTEM)))
        for c in engine.find(actor=SYSTEM, limit=100_000)
    }


def _check_unchanged(probe: Probe, engine: Engine, case_id: str, before: Any, count: int) -> None:
    """A refusal (or a read) wrote nothing to the case and added no case."""
    after = probe.read("engine.get/history", lambda: _snapshot(engine, case_id))
    if after is not _UNREADABLE and after != before:
        changed = "the case" if after[0] != before[0] else "its history"
        probe.problems.append(
            f"wrote to {changed}: version {before[0].version} -> {after[0].version}, "
            f"history {before[1]} -> {after[1]} events"
        )
    now = probe.read("engine.find", lambda: _count(engine))
    probe.expect(now is _UNREADABLE or now == count, f"added {now - count} case(s)")


def _check_verifies(probe: Probe, engine: Engine, case_id: str) -> None:
    """An accepted step left a case that verifies, reads back, and can still be worked on
    (``available_triggers`` answers: a case whose workflow cannot be loaded is poisoned)."""
    report = probe.read("engine.verify", lambda: engine.verify(case_id, actor=SYSTEM))
    if report is not _UNREADABLE:
        probe.expect(report.ok, f"the accepted step does not verify: {_show(report, 400)}")
    probe.read("engine.get", lambda: engine.get(case_id, actor=SYSTEM))
    probe.read("engine.find", lambda: _count(engine))
    probe.read(
        "engine.available_triggers", lambda: engine.available_triggers(case_id, SYSTEM, LATEST)
    )


# -- cases in every state ----------------------------------------------------------

_SIDE: dict[str, tuple[str, str, Actor, dt.datetime, dict[str, Any]]] = {
    "suspended": ("mediating", "suspend", MEDIATOR, at("2026-03-04"), {"reason": "party_wait"}),
    "failed": (
        "mediating",
        "terminate",
        MEDIATOR,
        at("2026-03-04"),
        {"reason": "分歧过大", "remedies_informed": True},
    ),
    "not_performed": ("performing", "report_not_performed", MEDIATOR, at("2026-03-18"), {}),
    "withdrawn": ("received", "withdraw", CLERK, at("2026-03-02", 10), {"reason": "申请人撤回"}),
    "not_accepted": (
        "triaged",
        "accept",
        CLERK,
        at("2026-03-02", 11),
        {"handled_by": "东城区法院"},
    ),
    "referred": (
        "triaged",
        "refer",
        CLERK,
        at("2026-03-02", 11),
        {"to": "qt-dm", "reason": "complex"},
    ),
    "handed_off": (
        "accepted",
        "hand_off",
        CLERK,
        at("2026-03-02", 12),
        {"track": "administrative", "unit": "qt-dmz", "reason": "行政调解", "consent": True},
    ),
    "transferred_out": (
        "triaged",
        "transfer_out",
        CLERK,
        at("2026-03-02", 11),
        {"reason": "属行政机关职权", "to": "县人社局"},
    ),
}


def case_in(engine: Engine, state: str) -> str:
    """A fresh demo case driven along valid steps to ``state``; its id."""
    case = intake(engine)
    if state in _SIDE:
        base, trigger, actor, when, data = _SIDE[state]
        to_state(engine, case.id, base)
        engine.fire(case.id, trigger, actor=actor, at=when, **data)
    elif state != "received":
        to_state(engine, case.id, state)
    return case.id


def good_inputs(trigger: str, case: Case) -> st.SearchStrategy[dict[str, Any]]:
    """Inputs the trigger takes on this case (a guard may still refuse some)."""
    clocks = [d.id for d in case.deadlines if d.is_open] or ["none-1"]
    if trigger == "extend_deadline":
        return st.fixed_dictionaries(
            {
                "deadline": st.sampled_from(clocks),
                "length": st.integers(1, 30),
                "approver": st.sampled_from([a.value for a in Approver]),
                "reason": st.just("双方同意延长"),
            }
        )
    if trigger == "supervise":
        return st.fixed_dictionaries({"deadline": st.sampled_from(clocks)})
    if trigger == "issue_document":
        return st.fixed_dictionaries({"kind": st.sampled_from(DOCUMENTS)})
    if trigger == "migrate_workflow":
        return st.just({"from_version": 1, "to_version": 1})
    if trigger in GOOD_INPUTS:
        return GOOD_INPUTS[trigger]
    if trigger in ("start_mediation", "record_callback"):
        return inputs_for(trigger)
    return st.sampled_from([{}, {"note": "备注"}])


def wrong_inputs(trigger: str, case: Case) -> st.SearchStrategy[dict[str, Any]]:
    """The trigger's inputs, wrong: the stateful test's wrong ones, or good ones tweaked."""
    return st.one_of(
        inputs_for(trigger),
        st.just(_full_inputs(trigger)) if trigger in INPUTS_OF else st.just({"x": 1}),
        good_inputs(trigger, case).flatmap(lambda v: tweak(v, 2, keep=True)),
    )


def _full_inputs(trigger: str) -> dict[str, Any]:
    """Every input of the trigger's class, each with a plausible value."""
    samples: dict[str, Any] = {
        "agreement": agreement(),
        "mediators": [MEDIATOR.id],
        "track": "people",
        "level": "village",
        "unit": "qt-dm-dmc",
        "risk": "medium",
        "signed_at": "2026-09-01T10:00:00+08:00",
        "capacity": "mediator",
        "signer": "陈调解",
        "party": "p1",
        "visitor": "陈调解",
        "deadline": "dispute_acceptance-1",
        "length": 5,
        "approver": "parties_consent",
        "kind": "registration",
        "from_version": 1,
        "to_version": 2,
        "remedies_informed": True,
        "petitioner_notified": False,
        "performance_deadline": "2026-12-20",
    }
    return {
        a.name: samples.get(a.name, "理由")
        for a in attrs.fields(INPUTS_OF[trigger])
        if a.name != "number"
    }


# -- fixtures ------------------------------------------------------------------------


@pytest.fixture
def memory() -> Iterator[Engine]:
    """An in-memory engine with the demo org tree, shared by one test's examples."""
    engine = make_engine("memory", policy=POLICY)
    yield engine
    engine.close()


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Engine]:
    """An SQLite engine, shared by one test's examples."""
    engine = make_engine(f"sqlite:///{tmp_path / 'cases.db'}", policy=POLICY)
    yield engine
    engine.close()


@attrs.frozen(repr=False)
class Library:
    """A read-only engine holding one case per state (and the fully signed demo case)."""

    engine: Engine
    cases: dict[str, str]
    deadlines: dict[str, tuple[str, ...]]

    def __repr__(self) -> str:
        return f"Library({len(self.cases)} cases)"


@pytest.fixture(scope="module")
def library() -> Iterator[Library]:
    """Built once: a case in every state, the signed demo case, a supervised case."""
    engine = make_engine("memory", policy=POLICY)
    cases = {state: case_in(engine, state) for state in STATES}
    cases["demo"] = run_demo(engine).id
    cases["supervised"] = case_in(engine, "received")
    engine.supervise(at=at("2026-06-01"), actor=SYSTEM)  # breaches escalated: 督办 documents
    clocks = {
        cid: tuple(d.id for d in engine.get(cid, actor=SYSTEM).deadlines) for cid in cases.values()
    }
    yield Library(engine, cases, clocks)
    engine.close()


@pytest.fixture(scope="module")
def sqlite_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """As :func:`library`, on SQLite (one case per state, no demo or supervised case)."""
    path = tmp_path_factory.mktemp("fuzz") / "library.db"
    engine = make_engine(f"sqlite:///{path}", policy=POLICY)
    cases = {state: case_in(engine, state) for state in STATES}
    clocks = {
        cid: tuple(d.id for d in engine.get(cid, actor=SYSTEM).deadlines) for cid in cases.values()
    }
    yield Library(engine, cases, clocks)
    engine.close()


WRONG_IDS = ["nope", "", " ", "0" * 32]


def _own_case(case_id: str) -> F:
    return F(st.just(case_id), st.sampled_from(WRONG_IDS))


def _library_case(lib: Library) -> F:
    return F(st.sampled_from(sorted(lib.cases.values())), st.sampled_from(WRONG_IDS))


def _split(kwargs: dict[str, Any], *positional: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Move the named arguments (never omitted) to the front, in order."""
    rest = dict(kwargs)
    return tuple(rest.pop(name) for name in positional), rest


# -- intake ---------------------------------------------------------------------------


def _fuzz_intake(engine: Engine, data: st.DataObject) -> None:
    existing = [c.id for c in engine.find(actor=SYSTEM, limit=3)] or ["nope"]
    kwargs, _ = data.draw(kwargs_of(intake_spec(existing)), label="intake kwargs")
    count = _count(engine)
    target = kwargs.get("case_id")
    before = None
    if isinstance(target, str) and target in existing:
        before = _snapshot(engine, target)
    probe = Probe("engine.intake", (), kwargs).run(engine.intake)
    if probe.accepted:
        _check_verifies(probe, engine, probe.result.id)
        now = probe.read("engine.find", lambda: _count(engine))
        probe.expect(now is _UNREADABLE or now == count + 1, "did not add exactly one case")
    else:
        now = probe.read("engine.find", lambda: _count(engine))
        probe.expect(now is _UNREADABLE or now == count, f"a refused intake added {now} - {count}")
    if before is not None:
        after = probe.read("engine.get/history", lambda: _snapshot(engine, target))
        probe.expect(after is _UNREADABLE or after == before, f"changed the existing {target!r}")
    probe.finish()


@FUZZ
@given(data=st.data())
def test_intake_fuzz(memory: Engine, data: st.DataObject) -> None:
    """Engine.intake: only MediationError escapes; a refusal adds no case and changes no
    case (a duplicate ``case_id`` included); an accepted intake verifies."""
    _fuzz_intake(memory, data)


@FUZZ_SQLITE
@given(data=st.data())
def test_intake_fuzz_sqlite(sqlite: Engine, data: st.DataObject) -> None:
    """Engine.intake on SQLite: the store's own errors are mapped, a refusal writes nothing."""
    _fuzz_intake(sqlite, data)


# -- fire ----------------------------------------------------------------------------


def _fuzz_fire(engine: Engine, data: st.DataObject) -> None:
    state = data.draw(st.sampled_from(STATES), label="state")
    case_id = case_in(engine, state)
    case = engine.get(case_id, actor=SYSTEM)
    spec = {
        "case_id": _own_case(case_id),
        "trigger": F(st.sampled_from(FROM[state] + STEPS[2:]), st.sampled_from([*TRIGGERS, "fly"])),
        "actor": F(STRONG, WEAK),
        "at": F(LATE, WRONG_TIME, optional=True),
        "inputs": F(st.just(None)),
    }
    kwargs, bad = data.draw(kwargs_of(spec), label="fire arguments")
    trigger = kwargs["trigger"]
    name = trigger if isinstance(trigger, str) and trigger in INPUTS_OF else "triage"
    if "inputs" in bad:
        inputs = data.draw(wrong_inputs(name, case), label="inputs")
    else:
        inputs = data.draw(good_inputs(name, case), label="inputs")
    del kwargs["inputs"]
    args, kwargs = _split(kwargs, "case_id", "trigger")
    kwargs.update(_str_kwargs(inputs))
    before, count = _snapshot(engine, case_id), _count(engine)
    probe = Probe("engine.fire", args, kwargs).run(engine.fire)
    if probe.accepted:
        _check_verifies(probe, engine, case_id)
    else:
        _check_unchanged(probe, engine, case_id, before, count)
    probe.finish()


@FUZZ
@given(data=st.data())
def test_fire_fuzz(memory: Engine, data: st.DataObject) -> None:
    """Engine.fire on a fresh case in each state (triggers, listed and unlisted steps):
    only MediationError escapes; a refused step leaves the case and its history as they
    were; an accepted step verifies and leaves a case that can still be worked on."""
    _fuzz_fire(memory, data)


@FUZZ_SQLITE
@given(data=st.data())
def test_fire_fuzz_sqlite(sqlite: Engine, data: st.DataObject) -> None:
    """Engine.fire on SQLite: as on memory, with the store's own encoding and limits."""
    _fuzz_fire(sqlite, data)


# -- reads -----------------------------------------------------------------------------


READER = F(st.sampled_from([SYSTEM, GOD, None]), WEAK, optional=True)
LEVELS = ["village", "town", "county"]


def _maybe(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from([None, *values])


def _read_spec(entry: str, lib: Library, data: st.DataObject) -> tuple[dict[str, F], list[str]]:
    """The arguments of a read, and which of them are positional."""
    if entry in ("get", "history", "verify"):
        return {"case_id": _library_case(lib), "actor": READER}, ["case_id"]
    if entry == "available_triggers":
        name = data.draw(st.sampled_from(TRIGGERS), label="trigger asked about")
        case = lib.engine.get(lib.cases["mediating"], actor=SYSTEM)
        return {
            "case_id": _library_case(lib),
            "actor": F(STRONG, WEAK),
            "at": F(st.one_of(st.none(), LATE), WRONG_TIME),
            "inputs": F(
                st.one_of(st.none(), st.just({}), good_inputs(name, case).map(lambda d: {name: d})),
                st.one_of(
                    wrong_inputs(name, case).map(lambda d: {name: d}),
                    st.dictionaries(st.sampled_from(TRIGGERS), NASTY, min_size=1, max_size=2),
                ),
                optional=True,
            ),
        }, ["case_id", "actor", "at"]
    if entry == "explain":
        case_id = data.draw(st.sampled_from(sorted(lib.cases.values())), label="case")
        clocks = lib.deadlines[case_id] or ("none-1",)
        return {
            "case_id": _own_case(case_id),
            "deadline_id": F(st.sampled_from(clocks), st.sampled_from(["nope", "", "-1"])),
            "actor": READER,
        }, ["case_id", "deadline_id"]
    if entry == "find":
        return {
            "state": F(_maybe(STATES), st.just("x"), optional=True),
            "level": F(_maybe(LEVELS), st.just("moon"), optional=True),
            "unit": F(_maybe(UNITS), st.sampled_from(BAD_UNITS), optional=True),
            "within": F(_maybe(UNITS), st.sampled_from(BAD_UNITS), optional=True),
            "category": F(_maybe(list(POLICY.categories)), st.just("x"), optional=True),
            "party_id": F(_maybe(["332522196503120014", "p1"]), st.just("x"), optional=True),
            "kind": F(_maybe(["dispute", "petition"]), st.just("x"), optional=True),
            "workflow": F(_maybe(["dispute"]), st.just("x"), optional=True),
            "limit": F(
                st.sampled_from([1, 5, 100, 100_000]), st.sampled_from([0, -1, 100_001]), True
            ),
            "offset": F(st.sampled_from([0, 1, 3, 10**6]), st.sampled_from([-1, 10**20]), True),
            "actor": READER,
        }, []
    assert entry == "due", entry
    periods = [None, [], ["dispute_acceptance"], ["people_mediation", "x"], ("a",), {"a"}]
    spec = {
        "at": F(st.one_of(st.none(), ANY_TIME), WRONG_TIME, optional=True),
        "warnings": F(st.booleans(), st.sampled_from([0, 1, "yes", None]), optional=True),
        "periods": F(st.sampled_from(periods), st.sampled_from(["x", [1], [None]]), True),
        "level": F(st.sampled_from([None, *LEVELS]), st.just("moon"), optional=True),
        "within": F(st.sampled_from([None, *UNITS]), st.sampled_from(BAD_UNITS), optional=True),
        "unescalated": F(st.booleans(), st.sampled_from([0, 1, "no", None]), optional=True),
        "limit": F(st.sampled_from([1, 100, 100_000]), st.sampled_from([0, -1, 100_001]), True),
        "actor": READER,
    }
    if "kinds" in inspect.signature(Engine.due).parameters:  # clock kinds, where supported
        kinds = [None, [], ["duty"], ["duty", "target"], ("party",), {"external"}]
        wrong = ["duty", ["parties"], [None], [["duty"]]]
        spec["kinds"] = F(st.sampled_from(kinds), st.sampled_from(wrong), optional=True)
    return spec, []


def _fuzz_read(lib: Library, data: st.DataObject, entry: str) -> None:
    """Run a read: only MediationError escapes, and whatever it answers nothing changed."""
    spec, positional = _read_spec(entry, lib, data)
    kwargs, _ = data.draw(kwargs_of(spec), label=f"{entry} arguments")
    args, kwargs = _split(kwargs, *positional)
    _read_only(lib, entry, args, kwargs)


def _read_only(lib: Library, entry: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    probe = Probe(f"engine.{entry}", args, kwargs)
    before = _all(lib.engine)
    probe.run(getattr(lib.engine, entry))
    after = probe.read("engine.find/history", lambda: _all(lib.engine))
    if after is not _UNREADABLE and after != before:
        changed = sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))
        probe.problems.append(f"a read changed cases {changed}")
    probe.finish()


@FUZZ
@given(data=st.data())
def test_available_triggers_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.available_triggers: only MediationError escapes and nothing is written."""
    _fuzz_read(library, data, "available_triggers")


@FUZZ
@given(data=st.data())
def test_get_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.get: only MediationError escapes and nothing is written."""
    _fuzz_read(library, data, "get")


@FUZZ
@given(data=st.data())
def test_history_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.history: only MediationError escapes and nothing is written."""
    _fuzz_read(library, data, "history")


@FUZZ
@given(data=st.data())
def test_verify_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.verify: only MediationError escapes and nothing is written."""
    _fuzz_read(library, data, "verify")


@FUZZ
@given(data=st.data())
def test_find_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.find (``kind="x"``, ``limit=-1``...): only MediationError escapes, nothing
    is written."""
    _fuzz_read(library, data, "find")


@FUZZ
@given(data=st.data())
def test_due_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.due: only MediationError escapes and nothing is written."""
    _fuzz_read(library, data, "due")


@FUZZ
@given(data=st.data())
def test_explain_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.explain: only MediationError escapes and nothing is written."""
    _fuzz_read(library, data, "explain")


@FUZZ_SQLITE
@given(data=st.data())
def test_reads_fuzz_sqlite(sqlite_library: Library, data: st.DataObject) -> None:
    """The reads on SQLite, where ids and filters reach SQL (encoding, integer range):
    only MediationError escapes and nothing is written."""
    entry = data.draw(
        st.sampled_from(
            ["get", "history", "verify", "available_triggers", "explain", "find", "due"]
        ),
        label="entry",
    )
    _fuzz_read(sqlite_library, data, entry)


EXTRAS = [
    None,
    {},
    {"names": {"clerk-li": "李登记", "mediator-chen": "陈调解"}},
    {"place": "东门村调解室", "recorder": "李登记"},
    {"court": "青田县人民法院", "issuer": "王主任", "reply_days": 3},
    {"deadline": "2026-04-01", "dossier_no": "2026-001", "retention": "长期"},
]


@FUZZ
@given(data=st.data())
def test_render_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.render (text, html and sometimes docx; ``today="2026-03-02"``...): only
    MediationError escapes and nothing is written."""
    spec = {
        "case_id": _library_case(library),
        "kind": F(st.sampled_from(DOCUMENTS), st.sampled_from(["nope", "", "APPLICATION"])),
        "format": F(
            st.sampled_from(["text", "html"] * 8 + ["docx"]),
            st.sampled_from(["TEXT", "", "doc", "txt"]),
            optional=True,
        ),
        "extra": F(
            st.sampled_from(EXTRAS),
            st.sampled_from(EXTRAS[1:]).flatmap(lambda v: tweak(v, 2, keep=True)),
            optional=True,
        ),
        "today": F(
            st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31))),
            st.sampled_from(["2026-03-02", dt.datetime(2026, 3, 2, tzinfo=CHINA_TZ), 20260302]),
            optional=True,
        ),
        "actor": READER,
    }
    kwargs, _ = data.draw(kwargs_of(spec), label="render arguments")
    _read_only(library, "render", *_split(kwargs, "case_id", "kind"))


@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")  # as test_formats.py
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a shrink step may take 5 s
)
@given(data=st.data())
def test_render_pdf_fuzz(library: Library, data: st.DataObject) -> None:
    """Engine.render as PDF (1-2 s a document, so few examples, and not shrunk): only
    MediationError escapes, within the time limit, and nothing is written."""
    args = (
        data.draw(st.sampled_from(sorted(library.cases.values())), label="case_id"),
        data.draw(st.sampled_from(DOCUMENTS), label="kind"),
    )
    extra = data.draw(st.sampled_from(EXTRAS[1:]).flatmap(lambda v: tweak(v, 1)), label="extra")
    _read_only(library, "render", args, {"format": "pdf", "extra": extra})


# -- steps outside the graph ----------------------------------------------------------


def _fuzz_step(
    engine: Engine,
    data: st.DataObject,
    entry: str,
    states: list[str],
    spec_of: Callable[[Case], dict[str, F]],
    positional: tuple[str, ...],
) -> None:
    state = data.draw(st.sampled_from(states), label="state")
    case_id = case_in(engine, state)
    case = engine.get(case_id, actor=SYSTEM)
    kwargs, _ = data.draw(kwargs_of(spec_of(case)), label=f"{entry} arguments")
    args, kwargs = _split(kwargs, *positional)
    before, count = _snapshot(engine, case_id), _count(engine)
    probe = Probe(f"engine.{entry}", args, kwargs).run(getattr(engine, entry))
    if probe.accepted:
        _check_verifies(probe, engine, case_id)
    else:
        _check_unchanged(probe, engine, case_id, before, count)
    probe.finish()


@FUZZ
@given(data=st.data())
def test_extend_deadline_fuzz(memory: Engine, data: st.DataObject) -> None:
    """Engine.extend_deadline: only MediationError escapes; a refused extension writes
    nothing; an accepted one verifies."""

    def spec(case: Case) -> dict[str, F]:
        clocks = [d.id for d in case.deadlines if d.is_open] or ["none-1"]
        closed = [d.id for d in case.deadlines if not d.is_open]
        return {
            "case_id": _own_case(case.id),
            "deadline_id": F(st.sampled_from(clocks), st.sampled_from([*closed, "nope", ""])),
            "length": F(st.integers(1, 30), st.sampled_from([0, -1, 10**6, True, 1.0])),
            "approver": F(st.sampled_from([*Approver]), st.sampled_from(["boss", ""])),
            "reason": F(GOOD_TEXT, st.sampled_from(["", " "])),
            "actor": F(STRONG, WEAK),
            "petitioner_notified": F(st.booleans(), st.sampled_from([0, 1, "yes"]), True),
            "at": F(LATE, WRONG_TIME, optional=True),
        }

    states = ["received", "triaged", "accepted", "mediating", "suspended", "agreed", "closed"]
    _fuzz_step(memory, data, "extend_deadline", states, spec, ("case_id", "deadline_id"))


@FUZZ
@given(data=st.data())
def test_issue_document_fuzz(memory: Engine, data: st.DataObject) -> None:
    """Engine.issue_document: only MediationError escapes; a refusal writes nothing;
    an accepted issue verifies."""

    def spec(case: Case) -> dict[str, F]:
        return {
            "case_id": _own_case(case.id),
            "kind": F(st.sampled_from(DOCUMENTS), st.sampled_from(["nope", ""])),
            "actor": F(STRONG, WEAK),
            "at": F(LATE, WRONG_TIME, optional=True),
        }

    _fuzz_step(memory, data, "issue_document", STATES, spec, ("case_id", "kind"))


@FUZZ
@given(data=st.data())
def test_migrate_case_fuzz(memory: Engine, data: st.DataObject) -> None:
    """Engine.migrate_case: only MediationError escapes; a refusal writes nothing."""

    def spec(case: Case) -> dict[str, F]:
        return {
            "case_id": _own_case(case.id),
            "to_version": F(st.just(1), st.sampled_from([2, 0, -1, True, "1"])),
            "actor": F(st.sampled_from([ADMIN, SYSTEM, GOD]), WEAK),
            "at": F(LATE, WRONG_TIME, optional=True),
        }

    states = ["received", "mediating", "closed", "archived"]
    _fuzz_step(memory, data, "migrate_case", states, spec, ("case_id",))


class _Engines:
    """Engines for supervise (which may touch every case), each used for a few examples:
    a new engine is slow to warm up, and one used for ever grows slow to snapshot."""

    def __init__(self, make: Callable[[], Engine], uses: int) -> None:
        self.make = make
        self.uses = uses
        self.left = 0
        self.engine: Engine | None = None

    def get(self) -> Engine:
        if self.engine is None or self.left == 0:
            self.close()
            self.engine = self.make()
            self.left = self.uses
        self.left -= 1
        return self.engine

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None


@pytest.fixture
def memory_engines() -> Iterator[_Engines]:
    engines = _Engines(lambda: make_engine("memory", policy=POLICY), uses=20)
    yield engines
    engines.close()


@pytest.fixture
def sqlite_engines(tmp_path: Path) -> Iterator[_Engines]:
    files = iter(range(10**6))
    engines = _Engines(
        lambda: make_engine(f"sqlite:///{tmp_path / f'sup{next(files)}.db'}", policy=POLICY),
        uses=20,
    )
    yield engines
    engines.close()


def _fuzz_supervise(engines: _Engines, data: st.DataObject) -> None:
    engine = engines.get()
    states = st.sampled_from(["received", "triaged", "mediating", "suspended", "closed"])
    for state in data.draw(st.lists(states, max_size=3), label="new cases"):
        case_in(engine, state)
    spec = {
        "at": F(st.one_of(st.none(), ANY_TIME), WRONG_TIME, optional=True),
        "limit": F(
            st.sampled_from([1, 2, 100, 10**6]), st.sampled_from([0, -1, True, 10**20]), True
        ),
        "actor": F(st.sampled_from([None, SYSTEM, GOD]), WEAK, optional=True),
    }
    kwargs, _ = data.draw(kwargs_of(spec), label="supervise arguments")
    before = _all(engine)
    probe = Probe("engine.supervise", (), kwargs).run(engine.supervise)
    after = probe.read("engine.find/history", lambda: _all(engine))
    if probe.accepted:
        for case_id in sorted({e.case_id for e in probe.result}):
            _check_verifies(probe, engine, case_id)
    elif after is not _UNREADABLE and after != before:
        changed = sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))
        probe.problems.append(f"a refused supervise changed cases {changed}")
    probe.finish()


@FUZZ
@given(data=st.data())
def test_supervise_fuzz(memory_engines: _Engines, data: st.DataObject) -> None:
    """Engine.supervise (``limit=0``...): returns or raises quickly, only MediationError
    escapes; a refusal writes nothing to any case; escalated cases verify."""
    _fuzz_supervise(memory_engines, data)


@settings(
    max_examples=max(EXAMPLES // 20, 1), deadline=None, suppress_health_check=list(HealthCheck)
)
@given(data=st.data())
def test_supervise_fuzz_sqlite(sqlite_engines: _Engines, data: st.DataObject) -> None:
    """Engine.supervise on SQLite, where the page size reaches SQL: as on memory."""
    _fuzz_supervise(sqlite_engines, data)


# -- value constructors ------------------------------------------------------------------

NAMES = F(st.sampled_from(["张三", " 李四 ", "青田某公司"]), st.sampled_from(["", " ", "\n"]))
PHONES = F(
    st.sampled_from(["13800000001", "+86 571-8888-0000", "0578-6512345", None]),
    st.sampled_from(["13800000001\n", "1380", 13800000001, "phone"]),
    optional=True,
)
ADDRESS = F(st.one_of(st.none(), GOOD_TEXT), st.sampled_from(["", "\x00"]), optional=True)
PARTY_ID = F(st.sampled_from(["", "p1", "x9"]), st.sampled_from([None, 1]), optional=True)
ID_NUMBER = F(
    st.one_of(st.none(), resident_ids()),
    st.sampled_from(["332522196503120015", "", "33252219650312001X", 332522196503120014]),
    optional=True,
)
ORG_CODE = F(st.sampled_from([None, *ORG_CODES]), st.sampled_from(BAD_ORG_CODES), True)


def _constructor(
    entry: str, fn: Callable[..., Any], data: st.DataObject, spec: dict[str, F]
) -> None:
    kwargs, _ = data.draw(kwargs_of(spec), label=f"{entry} arguments")
    Probe(entry, (), kwargs).run(fn).finish()


@FUZZ
@given(data=st.data())
def test_party_fuzz(data: st.DataObject) -> None:
    """Party(...): only MediationError escapes (ValidationError naming the field)."""
    spec = {
        "kind": F(
            st.sampled_from([PartyKind.person, "person"]),
            st.sampled_from(["organisation", "robot"]),
        ),
        "name": NAMES,
        "role": F(st.sampled_from([*PartyRole][:3]), st.sampled_from(["agent", "judge"])),
        "id": PARTY_ID,
        "id_number": ID_NUMBER,
        "org_code": F(st.none(), st.sampled_from([*ORG_CODES, *BAD_ORG_CODES]), True),
        "phone": PHONES,
        "address": ADDRESS,
        "agent_of": F(st.none(), st.sampled_from(["p1", "张三", ""]), optional=True),
    }
    _constructor("Party", Party, data, spec)


@FUZZ
@given(data=st.data())
def test_party_person_fuzz(data: st.DataObject) -> None:
    """Party.person(...): only MediationError escapes."""
    spec = {
        "name": NAMES,
        "id_number": ID_NUMBER,
        "role": F(st.sampled_from([*PartyRole][:3]), st.sampled_from(["agent", "judge"]), True),
        "phone": PHONES,
        "address": ADDRESS,
        "agent_of": F(st.none(), st.sampled_from(["p1", "张三", ""]), optional=True),
        "id": PARTY_ID,
    }
    _constructor("Party.person", Party.person, data, spec)


@FUZZ
@given(data=st.data())
def test_party_organisation_fuzz(data: st.DataObject) -> None:
    """Party.organisation(...): only MediationError escapes."""
    spec = {
        "name": NAMES,
        "org_code": ORG_CODE,
        "role": F(st.sampled_from([*PartyRole][:3]), st.sampled_from(["agent", "judge"]), True),
        "phone": PHONES,
        "address": ADDRESS,
        "id": PARTY_ID,
    }
    _constructor("Party.organisation", Party.organisation, data, spec)


@FUZZ
@given(data=st.data())
def test_place_fuzz(data: st.DataObject) -> None:
    """Place(...): only MediationError escapes."""
    spec = {
        "name": F(st.sampled_from(["青田县", "东门镇", "x"]), st.sampled_from(["", " "])),
        "code": F(
            st.sampled_from([None, "331121000000"]),
            st.sampled_from(["33112100000", "3311210000001", "33112100000a", 331121000000]),
            optional=True,
        ),
    }
    _constructor("Place", Place, data, spec)


@FUZZ
@given(data=st.data())
def test_actor_fuzz(data: st.DataObject) -> None:
    """Actor(...): only MediationError escapes."""
    spec = {
        "id": F(st.sampled_from(["clerk-li", "x", "system"]), st.sampled_from(["", " "])),
        "roles": F(
            st.sampled_from([{"clerk"}, frozenset({"mediator", "director"}), ["admin"], ()]),
            st.sampled_from(["clerk", [""], [None], {1}]),
        ),
        "unit": F(st.sampled_from([None, *UNITS]), st.sampled_from(BAD_UNITS), optional=True),
        "name": F(st.sampled_from(["", "李登记"]), st.just("\x00"), optional=True),
        "is_system": F(st.booleans(), st.sampled_from([0, 1, "yes", None]), optional=True),
    }
    _constructor("Actor", Actor, data, spec)
