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

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import attrs

from mediation._errors import DefinitionError, ValidationError
from mediation.model import Unit

__all__ = ["DEFAULT_LADDER", "Level", "LevelLadder", "OrgTree"]


@attrs.frozen(slots=True)
class Level:
    """One rung of the ladder: ``name`` is stored, ``label`` displayed."""

    name: str
    label: str


@attrs.frozen(slots=True)
class LevelLadder:
    """Levels from the lowest (rank 0) up."""

    levels: tuple[Level, ...]

    def __attrs_post_init__(self) -> None:
        names = [lv.name for lv in self.levels]
        if not names or len(set(names)) != len(names):
            raise DefinitionError("a level ladder needs distinct level names")

    def rank(self, name: str) -> int:
        """Position of level ``name`` (0 = lowest).

        Raises:
            ValidationError: unknown level.
        """
        for i, lv in enumerate(self.levels):
            if lv.name == name:
                return i
        raise ValidationError(
            "level", name, f"unknown level; one of {', '.join(lv.name for lv in self.levels)}"
        )

    def label(self, name: str) -> str:
        """Chinese label of level ``name``."""
        return self.levels[self.rank(name)].label

    def __contains__(self, name: object) -> bool:
        return any(lv.name == name for lv in self.levels)


DEFAULT_LADDER = LevelLadder(
    (
        Level("village", "村（社区）"),
        Level("town", "乡镇（街道）"),
        Level("county", "县（市、区）"),
        Level("city", "市"),
    )
)
"""村（社区）→ 乡镇（街道）→ 县（市、区）→ 市, the ladder of 2002 规定 第二十一条."""


class OrgTree:
    """The embedder's units as a tree; answers "is this unit inside that subtree".

    Args:
        units: Every unit; parents must be among them.
        ladder: The level ladder the units' levels come from.

    Raises:
        DefinitionError: duplicate ids, unknown parents, cycles, unknown levels.
    """

    def __init__(self, units: Iterable[Unit], ladder: LevelLadder = DEFAULT_LADDER) -> None:
        by_id: dict[str, Unit] = {}
        for u in units:
            if u.id in by_id:
                raise DefinitionError(f"duplicate unit id {u.id!r}")
            if u.level not in ladder:
                raise DefinitionError(f"unit {u.id!r} has unknown level {u.level!r}")
            by_id[u.id] = u
        for u in by_id.values():
            if u.parent is not None and u.parent not in by_id:
                raise DefinitionError(f"unit {u.id!r} has unknown parent {u.parent!r}")
        self._units: Mapping[str, Unit] = MappingProxyType(by_id)
        self.ladder = ladder
        self._chains: dict[str, tuple[str, ...]] = {}
        for uid in by_id:
            chain: list[str] = []
            cur: str | None = uid
            while cur is not None:
                if cur in chain:
                    raise DefinitionError(f"unit {uid!r} is in a cycle")
                chain.append(cur)
                cur = by_id[cur].parent
            self._chains[uid] = tuple(chain)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def get(self, unit_id: str) -> Unit:
        """Return the unit.

        Raises:
            ValidationError: unknown unit id.
        """
        try:
            return self._units[unit_id]
        except KeyError:
            raise ValidationError("unit", unit_id, "unknown unit (not in the org tree)") from None

    def ancestors(self, unit_id: str) -> tuple[str, ...]:
        """``unit_id`` and its ancestors, nearest first."""
        self.get(unit_id)
        return self._chains[unit_id]

    def within(self, unit_id: str, root_id: str) -> bool:
        """Whether ``unit_id`` is ``root_id`` or below it."""
        return unit_id in self._chains and root_id in self._chains[unit_id]

    def parent(self, unit_id: str) -> Unit | None:
        """The superior unit, ``None`` at a root."""
        p = self.get(unit_id).parent
        return None if p is None else self._units[p]
