"""The lists the app shows, derived from the workflow definitions (as viewflow derives an
inbox, a queue and an archive from its flows) and answered by the engine's indexed queries.

* **inbox** (我的案件): open cases the user handles (承办人);
* **queue** (待分派): open cases of the user's units that nobody handles yet, in a
  state where one of the user's roles takes the next step;
* **callbacks** (待回访): open cases with a running callback-visit clock;
* **clocks** (期限预警): the engine's due scan, yellow, red and overdue;
* **case list**: :meth:`mediation.Engine.find` by state, category, unit, party ID, a
  page at a time; by clock status through :meth:`mediation.Engine.due`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import attrs

from mediation import Actor, Case, DueItem, Engine, Role, WorkflowDefinition
from mediation.model import LAST_YEAR
from mediation.rules.dispute import CALLBACK
from mediation.rules.warnings import WarningLevel
from mediation.web.forms import resolved_fields

__all__ = [
    "CaseList",
    "Dashboard",
    "QueueItem",
    "case_list",
    "dashboard",
    "decode_cursor",
    "encode_cursor",
]

PER_STATE = 200
"""Unassigned cases shown per state in the dashboard's queue (the oldest waiting first)."""
INBOX_SCAN = 5000
"""At most this many of the user's own open cases are shown in the inbox."""
NAME_SCAN = 5000
"""At most this many cases are read to search parties by name (no name index yet)."""
ASSIGN_FIELDS = frozenset({"mediators", "assignees", "handlers"})
"""Inputs that name who handles a case (承办人): a queue offers them inline."""
CALLBACK_PERIOD = CALLBACK.id
"""The clock of a callback visit (the dispute rules' period)."""


@attrs.frozen(slots=True)
class QueueItem:
    """An unassigned case and the step that assigns it, if one does inline.

    Attributes:
        case: The case.
        steps: Labels of the steps the user's roles may take from its state.
        assign: The trigger taking only a list of handlers (offered inline), if any.
        assign_field: That trigger's handlers input.
    """

    case: Case
    steps: tuple[str, ...]
    assign: str | None = None
    assign_field: str | None = None


@attrs.frozen(slots=True)
class Dashboard:
    """What 工作台 shows."""

    inbox: tuple[Case, ...]
    queue: tuple[QueueItem, ...]
    callbacks: tuple[tuple[Case, dt.date], ...]
    clocks: tuple[tuple[DueItem, Case], ...]
    today: tuple[tuple[DueItem, Case], ...]


def _latest(engine: Engine) -> list[WorkflowDefinition]:
    latest: dict[str, WorkflowDefinition] = {}
    for d in engine.workflows():
        if d.name not in latest or d.version > latest[d.name].version:
            latest[d.name] = d
    return list(latest.values())


def _acts(definition: WorkflowDefinition, state: str, roles: frozenset[str]) -> list[str]:
    """Triggers from ``state`` that one of ``roles`` may fire (by the definition's roles) and
    that carry the case on: an exit to a final state (withdrawal, refusal) is not work waiting."""
    out = []
    for t in definition.transitions:
        if state not in {s.value for s in t.source} or t.dest in definition.finals:
            continue
        allowed = {r.value for r in t.roles}
        if not allowed or Role.admin.value in roles or roles & allowed:
            out.append(t.trigger.value)
    return list(dict.fromkeys(out))


def _assigning(definition: WorkflowDefinition, triggers: Iterable[str]) -> tuple[str, str] | None:
    for trigger in triggers:
        specs = resolved_fields(definition.inputs_of(trigger))
        named = [s for s in specs if s.name in ASSIGN_FIELDS and s.kind == "lines"]
        if named and not any(s.required for s in specs if s is not named[0]):
            return trigger, named[0].name
    return None


def _inbox(engine: Engine, actor: Actor, within: str | None) -> list[Case]:
    """The open cases ``actor`` handles: each open state read through the store's assignee
    filter, a page at a time, so that neither the unit's other cases nor the user's own
    closed ones crowd any out (at most :data:`INBOX_SCAN`)."""
    definitions = {(d.name, d.version): d for d in engine.workflows()}
    states = sorted(
        {
            (d.name, s.value)
            for d in definitions.values()
            for s in d.states
            if not d.is_closed(s.value)
        }
    )
    mine: list[Case] = []
    for workflow, state in states:
        cursor: tuple[dt.datetime, str] | None = None
        while len(mine) < INBOX_SCAN:
            found = engine.find(
                assignee=actor.id,
                workflow=workflow,
                state=state,
                within=within,
                limit=500,
                after=cursor,
                actor=actor,
            )
            mine += [
                c
                for c in found
                if not definitions[(c.workflow, c.workflow_version)].is_closed(c.state)
            ]
            if len(found) < 500:
                break
            cursor = (found[-1].received_at, found[-1].id)
    return mine[:INBOX_SCAN]


def dashboard(engine: Engine, actor: Actor, now: dt.datetime) -> Dashboard:
    """The user's inbox, queue, callbacks and clocks: of every case the user may see.

    The engine scopes each list to the units the user's unit oversees (its territorial
    subtree, and a line superior's subordinate organs too: ``OrgTree.oversees``), so no
    ``within`` is passed — the territorial subtree alone would hide from a line superior
    the cases it takes (复查, 《信访工作条例》第三十五条)."""
    within = None
    inbox = _inbox(engine, actor, within)
    queue: list[QueueItem] = []
    # Every running callback clock of the scope, earliest first (the index reads only them).
    horizon = dt.datetime(LAST_YEAR, 12, 31, tzinfo=engine.policy.tz)
    callbacks = [
        (engine.get(item.case_id, actor=actor), item.deadline.due)
        for item in engine.due(
            at=horizon, periods=[CALLBACK_PERIOD], within=within, limit=PER_STATE, actor=actor
        )
    ]
    for definition in _latest(engine):
        for state in definition.states:
            acts = _acts(definition, state.value, actor.roles)
            if definition.is_closed(state.value) or not acts:
                continue
            cases = engine.find(
                workflow=definition.name,
                state=state.value,
                within=within,
                unassigned=True,
                limit=PER_STATE,
                actor=actor,
            )
            assign = _assigning(definition, acts)
            for case in cases:
                queue.append(
                    QueueItem(
                        case,
                        tuple(definition.label_of(a) for a in acts),
                        assign[0] if assign else None,
                        assign[1] if assign else None,
                    )
                )
    due = engine.due(at=now, warnings=True, within=within, limit=100, actor=actor)
    clocks = [(item, engine.get(item.case_id, actor=actor)) for item in due]
    today = now.astimezone(engine.policy.tz).date()
    todays = [(i, c) for i, c in clocks if i.deadline.due <= today]
    return Dashboard(
        tuple(sorted(inbox, key=lambda c: c.received_at, reverse=True)),
        tuple(sorted(queue, key=lambda q: q.case.received_at)),
        tuple(sorted(callbacks, key=lambda x: x[1])),
        tuple(clocks),
        tuple(todays),
    )


@attrs.frozen(slots=True)
class CaseList:
    """One page of the case list.

    Attributes:
        cases: The cases on the page.
        page: Its number (0 first).
        has_next: There is a page after it.
        scanned: For a search by name: how many cases were compared (``None``
            otherwise); ``truncated`` says the scan stopped at its bound.
        truncated: See ``scanned``.
        next_after: The cursor of the next page (``after=``), for a list the
            engine pages by keyset; ``None``: link the next page by number.
        prev_before: The cursor of the previous page (``before=``), likewise.
        has_prev: There is a page before it.
    """

    cases: tuple[Case, ...]
    page: int
    has_next: bool
    scanned: int | None = None
    truncated: bool = False
    next_after: str | None = None
    prev_before: str | None = None
    has_prev: bool = attrs.field(default=attrs.Factory(lambda s: s.page > 0, takes_self=True))


def encode_cursor(case: Case) -> str:
    """The case's position in the list as URL text: its UTC ``received_at`` and its id."""
    return f"{case.received_at.astimezone(dt.UTC):%Y%m%dT%H%M%S.%fZ}_{case.id}"


def decode_cursor(text: str | None) -> tuple[dt.datetime, str] | None:
    """The (received_at, id) of :func:`encode_cursor`'s text, or ``None`` if it is not one."""
    at, sep, case_id = (text or "").partition("_")
    if not sep or not case_id:
        return None
    try:
        when = dt.datetime.strptime(at, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return when, case_id


_ID_LIKE = re.compile(r"[0-9A-Za-z]{15,18}")
CLOCK_LEVELS = {
    "yellow": WarningLevel.yellow,
    "red": WarningLevel.red,
    "overdue": WarningLevel.overdue,
}


def case_list(
    engine: Engine,
    actor: Actor,
    *,
    now: dt.datetime,
    state: str | None = None,
    category: str | None = None,
    unit: str | None = None,
    workflow: str | None = None,
    clock: str | None = None,
    party: str | None = None,
    page: int = 0,
    size: int = 50,
    after: str | None = None,
    before: str | None = None,
) -> CaseList:
    """One page of the cases ``actor`` may see, filtered.

    ``party`` is a resident ID or credit code (an indexed lookup) or part of
    a name (compared case by case, at most :data:`NAME_SCAN` cases: the
    engine has no name index yet). ``clock`` (``yellow``, ``red``,
    ``overdue``) lists the cases with such a clock, earliest due first.

    The engine's list pages by keyset: ``after`` (the next page's cursor) or
    ``before`` (the previous page's) reads only the page, however deep;
    ``page`` then only numbers it. Without a cursor ``page`` is an offset.
    """
    within = unit or None  # none chosen: every case the user may see (see dashboard)
    offset = page * size
    party = (party or "").strip()
    party_id = party.upper() if party and _ID_LIKE.fullmatch(party) else None
    name = party if party and party_id is None else None
    if clock in CLOCK_LEVELS:
        return _by_clock(
            engine, actor, now, CLOCK_LEVELS[clock], within, page, size, state, category, name
        )
    if name is not None:
        return _by_name(engine, actor, name, within, page, size, state, category, workflow)

    def find(**paging: Any) -> list[Case]:
        return engine.find(
            state=state,
            category=category,
            within=within,
            workflow=workflow,
            party_id=party_id,
            limit=size + 1,
            actor=actor,
            **paging,
        )

    back = decode_cursor(before)
    forth = None if back is not None else decode_cursor(after)
    found = [] if back is None else find(before=back)
    if back is not None and not found:
        back, page = None, 0  # nothing before the cursor: the first page
    if back is not None:
        earlier = len(found) > size
        cases = found[1:] if earlier else found
        has_next = True
    else:
        # A page asked by number (an old link) is an offset, walked once: its links carry
        # cursors from then on.
        found = find(offset=offset) if forth is None and page > 0 else find(after=forth)
        has_next = len(found) > size
        cases = found[:size]
        earlier = forth is not None or page > 0
    number = page if earlier else 0
    return CaseList(
        tuple(cases),
        number,
        has_next,
        next_after=encode_cursor(cases[-1]) if cases and has_next else None,
        prev_before=encode_cursor(cases[0]) if cases and earlier else None,
        has_prev=earlier,
    )


def _matches(case: Case, state: str | None, category: str | None, name: str | None) -> bool:
    return (
        (state is None or case.state == state)
        and (category is None or case.category == category)
        and (name is None or any(name in p.name for p in case.parties))
    )


def _by_name(
    engine: Engine,
    actor: Actor,
    name: str,
    within: str | None,
    page: int,
    size: int,
    state: str | None,
    category: str | None,
    workflow: str | None,
) -> CaseList:
    hits: list[Case] = []
    scanned = 0
    batch = 500
    want = (page + 1) * size + 1
    cursor: tuple[dt.datetime, str] | None = None
    while scanned < NAME_SCAN and len(hits) < want:
        found = engine.find(
            state=state,
            category=category,
            within=within,
            workflow=workflow,
            limit=batch,
            after=cursor,
            actor=actor,
        )
        scanned += len(found)
        if found:
            cursor = (found[-1].received_at, found[-1].id)
        hits += [c for c in found if _matches(c, None, None, name)]
        if len(found) < batch:
            return _page_of(hits, page, size, scanned, False)
    return _page_of(hits, page, size, scanned, scanned >= NAME_SCAN)


def _page_of(
    hits: list[Case], page: int, size: int, scanned: int | None, truncated: bool
) -> CaseList:
    start = page * size
    return CaseList(
        tuple(hits[start : start + size]), page, len(hits) > start + size, scanned, truncated
    )


def _by_clock(
    engine: Engine,
    actor: Actor,
    now: dt.datetime,
    level: WarningLevel,
    within: str | None,
    page: int,
    size: int,
    state: str | None,
    category: str | None,
    name: str | None,
) -> CaseList:
    limit = min(100_000, max(200, (page + 2) * size * 4))
    items = engine.due(at=now, warnings=True, within=within, limit=limit, actor=actor)
    ids = list(dict.fromkeys(i.case_id for i in items if i.warning is level))
    cases = [engine.get(cid, actor=actor) for cid in ids]
    hits = [c for c in cases if _matches(c, state, category, name)]
    return _page_of(hits, page, size, None, False)
