"""The organisation tree and the level ladder (村 → 乡镇 → 县).

Level names live here and nowhere else. The ladder is data: an embedder with
a different hierarchy (a city district, a street office, an industry
committee) builds its own :class:`LevelLadder`.

Sources: 司法部《人民调解工作若干规定》(2002) 第二十一条 (village/residents'
committees hand difficult, complex or cross-area disputes to the
township/street committee); 《信访工作条例》第十五条第三款 (小事不出村、大事不出镇、
矛盾不上交).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from mediation._errors import DefinitionError, ValidationError
from mediation.model import LabeledEnum, Unit

__all__ = [
    "DEFAULT_LADDER",
    "UNIT_KINDS",
    "Level",
    "LevelLadder",
    "OrgTree",
    "UnitKind",
    "units_from_data",
    "units_from_file",
]


@attrs.frozen(slots=True)
class Level:
    """One rung of the ladder: ``name`` is stored, ``label`` displayed."""

    name: str
    label: str


@attrs.frozen(slots=True)
class LevelLadder:
    """Levels from the lowest (rank 0) up."""

    levels: tuple[Level, ...]
    _ranks: Mapping[str, int] = attrs.field(init=False, eq=False, repr=False)
    """Each level's rank by name (derived: a triage looks its level up on every step)."""

    def __attrs_post_init__(self) -> None:
        names = [lv.name for lv in self.levels]
        if not names or len(set(names)) != len(names):
            raise DefinitionError("a level ladder needs distinct level names")
        object.__setattr__(self, "_ranks", {n: i for i, n in enumerate(names)})

    def rank(self, name: str) -> int:
        """Position of level ``name`` (0 = lowest).

        Raises:
            ValidationError: unknown level.
        """
        if name in self:
            return self._ranks[name]
        raise ValidationError(
            "level", name, f"unknown level; one of {', '.join(lv.name for lv in self.levels)}"
        )

    def label(self, name: str) -> str:
        """Chinese label of level ``name``."""
        return self.levels[self.rank(name)].label

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._ranks


DEFAULT_LADDER = LevelLadder(
    (
        Level("grid", "网格"),
        Level("village", "村（社区）"),
        Level("town", "乡镇（街道）"),
        Level("county", "县（市、区）"),
        Level("city", "市"),
    )
)
"""网格 → 村（社区）→ 乡镇（街道）→ 县（市、区）→ 市. 2002 规定 第二十一条 names the
village (residents') committee and township (street) rungs; the grid below the village
(网格化管理) and the county and city above are practice (RULES.md §7.4), so a locality
may give its own ladder."""


class UnitKind(LabeledEnum):
    """What a unit is (RULES.md §1, §2, §6: who receives, mediates and handles what).

    An embedder with other kinds passes its own vocabulary to :class:`OrgTree`.
    """

    committee = "committee", "人民调解委员会"
    industry_committee = "industry_committee", "行业性专业性人民调解委员会"
    government = "government", "人民政府（乡镇、街道、县）"
    centre = "centre", "矛盾纠纷调处化解中心（综治中心）"
    department = "department", "职能部门"
    justice_office = "justice_office", "司法所（司法局）"
    court = "court", "人民法院（人民法庭）"
    police = "police", "公安机关（派出所）"
    petition_bureau = "petition_bureau", "信访部门"
    arbitration = "arbitration", "仲裁委员会"
    grid = "grid", "网格"


UNIT_KINDS: frozenset[str] = frozenset(k.value for k in UnitKind)
"""The unit kinds an :class:`OrgTree` accepts by default."""


class OrgTree:
    """The embedder's units as a tree; answers "is this unit inside that subtree".

    The territorial parent (块) makes the tree; line parents (条), the centre a
    department is stationed at, and a merged unit's successor are checked
    references. A merged unit stays in the tree under its successor, so the
    successor's people keep seeing its cases.

    Args:
        units: Every unit; parents must be among them.
        ladder: The level ladder the units' levels come from.
        kinds: The unit kinds allowed (default :data:`UNIT_KINDS`).
        seq: For a tree stored with the cases, the number of its latest
            change (0: a tree the embedder supplies). Steps log it, and a
            replay uses the tree as it was then.

    Raises:
        DefinitionError: duplicate ids, unknown references, cycles, unknown
            levels or kinds, a centre that is not a centre, a merged unit
            without its successor.
    """

    def __init__(
        self,
        units: Iterable[Unit],
        ladder: LevelLadder = DEFAULT_LADDER,
        kinds: Collection[str] = UNIT_KINDS,
        *,
        seq: int = 0,
    ) -> None:
        self.seq = seq
        by_id: dict[str, Unit] = {}
        for u in units:
            if not isinstance(u, Unit):
                raise DefinitionError(f"an org tree is built of Unit values, not {u!r}")
            if u.id in by_id:
                raise DefinitionError(f"duplicate unit id {u.id!r}")
            if u.level not in ladder:
                raise DefinitionError(f"unit {u.id!r} has unknown level {u.level!r}")
            if u.kind not in kinds:
                raise DefinitionError(
                    f"unit {u.id!r} has unknown kind {u.kind!r}; one of {', '.join(sorted(kinds))}"
                )
            by_id[u.id] = u
        for u in by_id.values():
            for ref, what in (
                (u.parent, "parent"),
                (u.line_parent, "line parent"),
                (u.centre, "centre"),
                (u.successor, "successor"),
            ):
                if ref is not None and ref not in by_id:
                    raise DefinitionError(f"unit {u.id!r} has unknown {what} {ref!r}")
            if u.centre is not None and by_id[u.centre].kind != UnitKind.centre.value:
                raise DefinitionError(f"unit {u.id!r}: {u.centre!r} is not a one-stop centre")
            if u.successor is not None and (u.active or u.successor == u.id):
                raise DefinitionError(
                    f"unit {u.id!r}: only an inactive unit names a successor, not itself"
                )
        self._units: Mapping[str, Unit] = MappingProxyType(by_id)
        self.ladder = ladder
        self.kinds = frozenset(kinds)
        self._chains: dict[str, tuple[str, ...]] = {}
        for uid in by_id:
            chain: list[str] = []
            cur: str | None = uid
            while cur is not None:
                if cur in chain:
                    raise DefinitionError(f"unit {uid!r} is in a cycle")
                chain.append(cur)
                cur = self._up(by_id[cur])
            self._chains[uid] = tuple(chain)
        for uid in by_id:
            seen: list[str] = []
            cur = uid
            while cur is not None:
                if cur in seen:
                    raise DefinitionError(f"unit {uid!r} is in a cycle of line parents")
                seen.append(cur)
                cur = by_id[cur].line_parent
        # Who oversees each unit (:meth:`oversees`): every unit above it in the tree or in a
        # line (条), and above those in turn.
        self._overseers: dict[str, frozenset[str]] = {}
        for uid in by_id:
            above: set[str] = set()
            todo = [uid]
            while todo:
                cur = todo.pop()
                if cur in above:
                    continue
                above.add(cur)
                for up in (self._up(by_id[cur]), by_id[cur].line_parent):
                    if up is not None:
                        todo.append(up)
            self._overseers[uid] = frozenset(above)
        # The one-stop centre each unit is, or is stationed at (:meth:`centre_of`).
        self._centres: dict[str, Unit] = {}
        for u in by_id.values():
            if u.kind == UnitKind.centre.value:
                self._centres[u.id] = u
            elif u.centre is not None:
                self._centres[u.id] = by_id[u.centre]
        self._children: dict[str, list[str]] = {}
        for u in by_id.values():
            up = self._up(u)
            if up is not None:
                self._children.setdefault(up, []).append(u.id)

    @staticmethod
    def _up(unit: Unit) -> str | None:
        """The unit above in the tree: a merged unit hangs under its successor."""
        return unit.successor if unit.successor is not None else unit.parent

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def __len__(self) -> int:
        return len(self._units)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def with_seq(self, seq: int) -> OrgTree:
        """The same units, marked as the stored tree after change ``seq``."""
        tree = OrgTree.__new__(OrgTree)
        tree.__dict__.update(self.__dict__)
        tree.seq = seq
        return tree

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OrgTree):
            return NotImplemented
        return dict(self._units) == dict(other._units) and self.ladder == other.ladder

    __hash__ = None  # type: ignore[assignment]

    @property
    def units(self) -> tuple[Unit, ...]:
        """Every unit, in the order given."""
        return tuple(self._units.values())

    def get(self, unit_id: str) -> Unit:
        """Return the unit.

        Raises:
            ValidationError: unknown unit id.
        """
        try:
            return self._units[unit_id]
        except (KeyError, TypeError):
            raise ValidationError("unit", unit_id, "unknown unit (not in the org tree)") from None

    def ancestors(self, unit_id: str) -> tuple[str, ...]:
        """``unit_id`` and its ancestors, nearest first."""
        self.get(unit_id)
        return self._chains[unit_id]

    def within(self, unit_id: str, root_id: str) -> bool:
        """Whether ``unit_id`` is ``root_id`` or below it."""
        return unit_id in self._chains and root_id in self._chains[unit_id]

    def oversees(self, root_id: str, unit_id: str) -> bool:
        """Whether ``root_id`` is ``unit_id``, or above it in the territorial tree (块) or in
        a line (条: a department's or a court's superior organ, :attr:`Unit.line_parent`), or
        above one of those in turn.

        A line superior directs its line's work below it and takes the requests that go one
        level up: the 复查 of a department's or a court's handling opinion is asked of it
        (《信访工作条例》第三十五条), and its staff record it on the original case. The
        territorial subtree (:meth:`within`) stays what statistics and routing count."""
        return unit_id in self._overseers and root_id in self._overseers[unit_id]

    def parent(self, unit_id: str) -> Unit | None:
        """The territorial superior unit (块), ``None`` at a root."""
        p = self.get(unit_id).parent
        return None if p is None else self._units[p]

    def line_parent(self, unit_id: str) -> Unit | None:
        """The superior organ in the unit's line (条), ``None`` if it has none."""
        p = self.get(unit_id).line_parent
        return None if p is None else self._units[p]

    def superior(self, unit_id: str) -> Unit | None:
        """The organ above: the line parent where there is one, else the territorial parent.

        (《信访工作条例》第三十五条: 复查 by the 上一级行政机关 — the line superior
        of a department, the government above of a government.)
        """
        return self.line_parent(unit_id) or self.parent(unit_id)

    def children(self, unit_id: str) -> tuple[Unit, ...]:
        """The units directly below (merged units included, under their successor)."""
        self.get(unit_id)
        return tuple(self._units[c] for c in self._children.get(unit_id, ()))

    def level_of(self, unit_id: str) -> str:
        """The unit's level: a case's level is always its owning unit's."""
        return self.get(unit_id).level

    def rank(self, unit_id: str) -> int:
        """The unit's rung on the ladder (0 = lowest)."""
        return self.ladder.rank(self.get(unit_id).level)

    def at_level(self, unit_id: str, level: str) -> Unit | None:
        """The unit itself or its nearest ancestor at ``level``."""
        for uid in self.ancestors(unit_id):
            if self._units[uid].level == level:
                return self._units[uid]
        return None

    def centre_of(self, unit_id: str) -> Unit | None:
        """The one-stop centre the unit is, or is stationed at (入驻), if any."""
        found = self._centres.get(unit_id)
        if found is None and unit_id not in self._units:
            self.get(unit_id)  # an unknown unit is refused
        return found

    def stationed(self, centre_id: str) -> tuple[Unit, ...]:
        """The departments stationed at a one-stop centre."""
        self.get(centre_id)
        return tuple(u for u in self._units.values() if u.centre == centre_id)

    def current(self, unit_id: str) -> Unit:
        """The unit, or the active unit it was merged into (following every merge)."""
        unit = self.get(unit_id)
        seen = {unit.id}
        while not unit.active and unit.successor is not None:
            unit = self._units[unit.successor]
            if unit.id in seen:
                break
            seen.add(unit.id)
        return unit

    def find(
        self,
        *,
        kind: str | None = None,
        level: str | None = None,
        within: str | None = None,
        category: str | None = None,
        active: bool | None = True,
    ) -> tuple[Unit, ...]:
        """Units matching every filter given (active ones by default)."""
        return tuple(
            u
            for u in self._units.values()
            if (kind is None or u.kind == kind)
            and (level is None or u.level == level)
            and (within is None or self.within(u.id, within))
            and (category is None or category in u.categories)
            and (active is None or u.active is active)
        )

    # -- changes (pure: each returns a new tree) ----------------------------------

    def put(self, unit: Unit) -> OrgTree:
        """A tree with ``unit`` added, or replacing the unit of its id (a rename, a move).

        Raises:
            DefinitionError: the result is not a valid tree.
        """
        if not isinstance(unit, Unit):
            raise ValidationError("unit", unit, "a Unit value")
        old = self._units.get(unit.id)
        if old is not None and not old.active and unit.active:
            raise ValidationError(
                "unit", unit.id, "a merged unit is not brought back; add a new one"
            )
        units = dict(self._units)
        units[unit.id] = unit
        return OrgTree(units.values(), self.ladder, self.kinds)

    def merge(self, unit_id: str, into: str) -> OrgTree:
        """A tree where ``unit_id`` is merged into ``into``: inactive, hanging under it.

        Raises:
            ValidationError: unknown unit, or merging a unit into itself or a merged unit.
        """
        unit = self.get(unit_id)
        if not isinstance(into, str) or into not in self._units:
            raise ValidationError("into", into, "unknown unit (not in the org tree)")
        target = self.get(into)
        if target.id == unit.id or not target.active:
            raise ValidationError("into", into, "merge into another, active unit")
        if self.within(target.id, unit.id):
            raise ValidationError("into", into, "a unit cannot be merged into one below it")
        merged = attrs.evolve(unit, active=False, successor=target.id)
        units = dict(self._units)
        units[unit.id] = merged
        for u in self._units.values():
            if u.parent == unit.id and u.active:
                units[u.id] = attrs.evolve(u, parent=target.id)
        return OrgTree(units.values(), self.ladder, self.kinds)


_UNIT_FIELDS = {a.name: a for a in attrs.fields(Unit)}


def units_from_data(data: Any) -> list[Unit]:
    """Units from parsed JSON or TOML: a list of unit tables, or ``{"units": [...]}``.

    Each unit takes the fields of :class:`~mediation.model.Unit` (``id``,
    ``name``, ``level`` required; ``parent``, ``code_prefix``, ``kind``,
    ``line_parent``, ``centre``, ``categories``, ``active``, ``successor``).

    Raises:
        ValidationError: naming the unit (``units[3].level``) and what is wrong.
    """
    if isinstance(data, Mapping) and set(data) == {"units"}:
        data = data["units"]
    if not isinstance(data, list) or not data:
        raise ValidationError("units", data, "a non-empty list of units")
    out: list[Unit] = []
    for i, item in enumerate(data):
        where = f"units[{i}]"
        if not isinstance(item, Mapping):
            raise ValidationError(where, item, "a table of unit fields")
        for key in item:
            if key not in _UNIT_FIELDS:
                raise ValidationError(
                    f"{where}.{key}", item[key], f"unknown field; one of {', '.join(_UNIT_FIELDS)}"
                )
        for key in ("id", "name", "level"):
            if key not in item:
                raise ValidationError(f"{where}.{key}", None, "required")
        try:
            out.append(Unit(**item))
        except ValidationError as exc:
            raise ValidationError(
                f"{where}.{exc.field.removeprefix('unit.')}", exc.value, exc.rule
            ) from exc
        except TypeError as exc:  # attrs' instance_of (``active`` must be true or false)
            raise ValidationError(where, dict(item), f"a field has the wrong type: {exc}") from exc
    return out


def units_from_file(path: str | Path) -> list[Unit]:
    """Units from a ``.json`` or ``.toml`` file (see :func:`units_from_data`).

    Raises:
        ValidationError: unreadable, not JSON/TOML, or not valid units.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError("units", str(p), f"cannot be read: {exc}") from exc
    try:
        if p.suffix.lower() == ".toml":
            data: Any = tomllib.loads(text)
        else:
            data = json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(
            "units", str(p), f"not valid {p.suffix[1:] or 'JSON'}: {exc}"
        ) from exc
    return units_from_data(data)
