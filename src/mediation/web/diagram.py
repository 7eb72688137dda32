"""A workflow's state diagram as inline SVG, the case's state marked (no JavaScript).

Drawn from the definition alone: states in columns by their distance from
the initial state (the exits to a final state, e.g. withdrawal, below the
course of a case, their arrows faint), arrows for the transitions (a step
back, e.g. reopening mediation, curves below the boxes; a step that keeps
the state, e.g. a signature, is a loop above its box). Each arrow's title
names its trigger.
"""

from __future__ import annotations

from collections import deque

from markupsafe import Markup, escape

from mediation import WorkflowDefinition

__all__ = ["state_diagram"]

_W, _H = 104, 30
_GAP, _ROW = 38, 44
_PAD = 24


def _ranks(definition: WorkflowDefinition) -> dict[str, int]:
    edges: dict[str, list[str]] = {}
    for t in definition.transitions:
        for s in t.source:
            edges.setdefault(s.value, []).append(t.dest.value)
    rank = {definition.initial.value: 0}
    todo = deque([definition.initial.value])
    while todo:
        cur = todo.popleft()
        for nxt in edges.get(cur, []):
            if nxt not in rank:
                rank[nxt] = rank[cur] + 1
                todo.append(nxt)
    for s in definition.states:
        rank.setdefault(s.value, 0)
    return rank


def state_diagram(
    definition: WorkflowDefinition, current: str, reachable: frozenset[str] = frozenset()
) -> Markup:
    """The SVG of ``definition`` with ``current`` marked and ``reachable`` states highlighted."""
    rank = _ranks(definition)
    labels = {s.value: str(getattr(s, "label", s.value)) for s in definition.states}
    w = max(_W, int(max(13 * _width(label) + 20 for label in labels.values())))
    col = w + _GAP
    finals = {s.value for s in definition.finals}
    columns: dict[int, list[str]] = {}
    # The course of a case first in each column, its exits (withdrawn, refused...) below it.
    for s in sorted(definition.states, key=lambda s: s.value in finals):
        columns.setdefault(rank[s.value], []).append(s.value)
    pos: dict[str, tuple[int, int]] = {}
    for column, states in columns.items():
        for row, state in enumerate(states):
            pos[state] = (_PAD + column * col, _PAD + 16 + row * _ROW)
    width = _PAD * 2 + (max(columns) + 1) * col - _GAP
    height = _PAD * 2 + 16 + max(len(v) for v in columns.values()) * _ROW + 24
    closed = {s.value for s in definition.closed}
    parts: list[str] = [
        f'<svg class="diagram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(definition.label)}流程图" xmlns="http://www.w3.org/2000/svg">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead"/></marker></defs>',
    ]
    seen: set[tuple[str, str]] = set()
    for t in definition.transitions:
        label = str(getattr(t.trigger, "label", t.trigger.value))
        for source in t.source:
            key = (source.value, t.dest.value)
            if key in seen:
                continue
            seen.add(key)
            exit_edge = t.dest.value in finals and source != t.dest
            parts.append(
                _edge(pos[source.value], pos[t.dest.value], w, label, source == t.dest, exit_edge)
            )
    for s in definition.states:
        x, y = pos[s.value]
        classes = ["state"]
        if s.value == current:
            classes.append("current")
        elif s.value in reachable:
            classes.append("next")
        if s.value in closed:
            classes.append("closed")
        label = labels[s.value]
        marker = "（当前）" if s.value == current else ""
        parts.append(
            f'<g class="{" ".join(classes)}"><title>{escape(label)}{marker}</title>'
            f'<rect x="{x}" y="{y}" width="{w}" height="{_H}" rx="6"/>'
            f'<text x="{x + w // 2}" y="{y + _H // 2 + 5}" text-anchor="middle">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _width(label: str) -> float:
    """A label's width in ems (a Chinese character is one, a Latin letter about half)."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in label)


def _edge(
    a: tuple[int, int], b: tuple[int, int], w: int, label: str, loop: bool, exit_edge: bool
) -> str:
    (ax, ay), (bx, by) = a, b
    if loop:
        d = (
            f"M{ax + w // 2 - 12},{ay} C{ax + w // 2 - 24},{ay - 26} "
            f"{ax + w // 2 + 24},{ay - 26} {ax + w // 2 + 12},{ay}"
        )
    elif bx > ax:
        sx, sy, ex, ey = ax + w, ay + _H // 2, bx, by + _H // 2
        mid = (sx + ex) // 2
        d = f"M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}"
    else:
        sx, sy, ex, ey = ax + w // 2 - 10, ay + _H, bx + w // 2 + 10, by + _H
        low = max(sy, ey) + 22 + abs(ax - bx) // 12
        d = f"M{sx},{sy} C{sx},{low} {ex},{low} {ex},{ey}"
    css = "edge exit" if exit_edge else "edge"
    return f'<path class="{css}" d="{d}" marker-end="url(#arrow)"><title>{escape(label)}</title></path>'
