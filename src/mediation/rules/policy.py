"""The policy an engine runs with: calendar, periods, thresholds, vocabularies.

Everything a locality may configure is here, with the national defaults; the
rules read it from :attr:`Context.policy`, never from globals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import attrs

from mediation._errors import ValidationError
from mediation.model import CHINA_TZ
from mediation.rules.calendar import Calendar, OfficialCalendar
from mediation.rules.categories import CATEGORIES, Category
from mediation.rules.channels import CHANNELS
from mediation.rules.counting import RollPolicy
from mediation.rules.linkage import TRACKS, Track
from mediation.rules.org import DEFAULT_LADDER, LevelLadder, OrgTree
from mediation.rules.periods import PERIODS, PeriodRule
from mediation.rules.supervision import SupervisionPolicy
from mediation.rules.vocabulary import Vocabulary
from mediation.rules.warnings import DEFAULT_WARNING_POLICY, WarningPolicy

__all__ = ["CallbackPolicy", "Policy"]

_P = TypeVar("_P")


@attrs.frozen(slots=True)
class CallbackPolicy:
    """How many callback visits (回访) a closure needs.

    人民调解法 第三十一条第二款 (supervise performance) and 2002 规定 第三十六条
    (回访 "适时") set the duty but no number: RULES.md §7.5, PRACTICE. The
    timing is the ``callback_visit`` period of the periods table.

    Attributes:
        after_agreement: Visits required before a case that reached an
            agreement may close.
        after_failure: Visits required before a failed mediation may close.
    """

    after_agreement: int = 1
    after_failure: int = 0


def _parts(value: Mapping[type, Any] | Iterable[Any]) -> Mapping[type, Any]:
    """Policies by their type: given as a mapping, or as a list of policy values."""
    if isinstance(value, str | bytes) or not isinstance(value, Mapping | Iterable):
        raise ValidationError("parts", value, "a list of policy values (or a mapping by type)")
    items = dict(value) if isinstance(value, Mapping) else {type(v): v for v in value}
    for kind, found in items.items():
        if not isinstance(kind, type) or type(found) is not kind:
            raise ValidationError("parts", found, f"a policy value of type {kind!r}")
    return MappingProxyType(items)


_SETTINGS: tuple[tuple[str, type | tuple[type, ...], str], ...] = (
    ("periods", Mapping, "a mapping of period id to PeriodRule"),
    ("roll", RollPolicy, "a RollPolicy"),
    ("close_of_business", (dt.time, type(None)), "a datetime.time, or None (24:00)"),
    ("tz", dt.tzinfo, "a time zone (zoneinfo.ZoneInfo)"),
    ("warnings", WarningPolicy, "a WarningPolicy"),
    ("ladder", LevelLadder, "a LevelLadder"),
    ("categories", Mapping, "a mapping of code to Category"),
    ("channels", Mapping, "a Vocabulary of channel codes"),
    ("tracks", Mapping, "a mapping of code to Track"),
    ("callbacks", CallbackPolicy, "a CallbackPolicy"),
    ("org", (OrgTree, type(None)), "an OrgTree, or None"),
    ("supervision", SupervisionPolicy, "a SupervisionPolicy"),
)
"""Each setting of :class:`Policy` but the calendar (a protocol), the type it takes."""


@attrs.frozen(slots=True, eq=False)
class Policy:
    """Engine-wide policy.

    Attributes:
        calendar: Rest and working days (official notices + overrides).
        periods: Period rules by id that win over the national table and the
            workflows' own (a locality's acceptance period, say).
        roll: Roll-forward policy for a last day on a rest day (RULES.md §5.4).
        close_of_business: If set, a period ends at this time on its last day
            instead of 24:00 (民法典 第二百零三条第二款).
        tz: Time zone business dates are taken in.
        warnings: Warning levels (yellow/red/overdue).
        ladder: Level names.
        categories: Case categories.
        channels: Intake channels (code → Chinese label).
        tracks: Mediation tracks.
        callbacks: Callback-visit requirements.
        org: The embedder's organisation tree (``None``: units are not checked).
        supervision: What the supervision scanner does for a breach.
        parts: The policies of the library's parts and of an embedder's own
            workflows, by type (a petition policy, a 包案 selection policy…);
            rules read theirs with :meth:`part`.
    """

    calendar: Calendar = attrs.field(factory=OfficialCalendar)
    periods: Mapping[str, PeriodRule] = PERIODS
    roll: RollPolicy = RollPolicy.literal
    close_of_business: dt.time | None = None
    tz: ZoneInfo = CHINA_TZ
    warnings: WarningPolicy = DEFAULT_WARNING_POLICY
    ladder: LevelLadder = DEFAULT_LADDER
    categories: Mapping[str, Category] = CATEGORIES
    channels: Vocabulary = CHANNELS
    tracks: Mapping[str, Track] = TRACKS
    callbacks: CallbackPolicy = attrs.field(factory=CallbackPolicy)
    org: OrgTree | None = None
    supervision: SupervisionPolicy = attrs.field(factory=SupervisionPolicy)
    parts: Mapping[type, Any] = attrs.field(factory=dict, converter=_parts)
    _defaults: dict[type, Any] = attrs.field(factory=dict, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Each setting is of its type, checked here: a wrong one would fail only at the
        # first step that reads it, far from where it was given.
        for name, kinds, what in _SETTINGS:
            value = getattr(self, name)
            if not isinstance(value, kinds):
                raise ValidationError(name, value, what)
        if not callable(getattr(self.calendar, "day_kind", None)):
            raise ValidationError("calendar", self.calendar, "a Calendar (day_kind(date))")
        # A part may check itself against the rest of the policy (``check_policy``): a
        # setting that would silently do nothing is refused when the policy is built.
        for found in self.parts.values():
            check = getattr(found, "check_policy", None)
            if callable(check):
                check(self)

    def part(self, kind: type[_P]) -> _P:
        """The policy of type ``kind`` given in :attr:`parts`, else its defaults (``kind()``).

        Example:
            >>> @attrs.frozen
            ... class Reminders:
            ...     every_days: int = 7
            >>> Policy().part(Reminders).every_days
            7
            >>> Policy(parts=[Reminders(14)]).part(Reminders).every_days
            14
        """
        found = self.parts.get(kind)
        if found is None:
            # A part's defaults are a value: made once per policy (rules read them per step).
            found = self._defaults.get(kind)
            if found is None:
                found = self._defaults[kind] = kind()
        return cast(_P, found)
