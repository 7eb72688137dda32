"""三调联动: the three linked mediation tracks and which clock each runs on.

《信访工作条例》第三十七条第一款 names the three tracks: people's (人民调解),
administrative (行政调解) and judicial (司法调解) mediation. Which statutory
period applies to a mediation depends on the track, the category and how the
case arrived; :func:`mediation_period` is that choice, as one pure function.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from mediation._errors import ValidationError
from mediation.model import Case, Channel
from mediation.rules.periods import PeriodRule, period

__all__ = ["MEDIATION_PERIODS", "TRACKS", "Track", "mediation_period", "track"]


@attrs.frozen(slots=True)
class Track:
    """A mediation track: stored ``code``, Chinese ``label``, legal ``basis``."""

    code: str
    label: str
    basis: str


TRACKS: Mapping[str, Track] = MappingProxyType(
    {
        t.code: t
        for t in (
            Track("people", "人民调解", "《人民调解法》"),
            Track("administrative", "行政调解", "各地行政调解办法（无全国性法律）"),
            Track(
                "judicial",
                "司法调解",
                "《民事诉讼法》第一百二十五条；《关于人民法院特邀调解的规定》",
            ),
        )
    }
)
"""The three tracks of 三调联动."""


def track(code: str) -> Track:
    """Return the track named ``code``.

    Raises:
        ValidationError: unknown track (field ``track``).
    """
    try:
        return TRACKS[code]
    except KeyError:
        raise ValidationError(
            "track", code, f"unknown track; one of {', '.join(TRACKS)} (信访工作条例 第三十七条)"
        ) from None


_COURT_DELEGATED = period("court_delegated")
_COURT_ENTRUSTED = period("court_entrusted_ordinary")
_LABOUR = period("labour_mediation")
_MEDICAL_PEOPLE = period("medical_people_mediation")
_MEDICAL_ADMIN = period("medical_admin_mediation")
_TRAFFIC_POLICE = period("traffic_police_mediation")
_ADMINISTRATIVE = period("administrative_mediation")
_PEOPLE = period("people_mediation")

MEDIATION_PERIODS: tuple[PeriodRule, ...] = (
    _PEOPLE,
    _LABOUR,
    _MEDICAL_PEOPLE,
    _MEDICAL_ADMIN,
    _TRAFFIC_POLICE,
    _ADMINISTRATIVE,
    _COURT_DELEGATED,
    _COURT_ENTRUSTED,
)
"""Every period :func:`mediation_period` can choose."""


def mediation_period(case: Case, track_code: str) -> PeriodRule:
    """Pick the period (``rules.periods``) a mediation runs on.

    - Delegated by a court before filing: 30 days, 《关于人民法院特邀调解的规定》第二十七条.
    - Judicial track otherwise (entrusted after filing): 15 days, same article.
    - Labour disputes: 15 days, 《劳动争议调解仲裁法》第十四条第三款.
    - Medical disputes: 30 working days, 《医疗纠纷预防和处理条例》第三十八条 (people's)
      or 第四十条 (administrative, by the health department).
    - Traffic accidents on the administrative track (police): 10 working days,
      《道路交通事故处理程序规定》第九十条.
    - Other administrative mediation: the local rule's period (policy).
    - Everything else: people's mediation, "一般在一个月内调结",
      司法部《人民调解工作若干规定》第三十三条.
    """
    if case.channel == Channel.court_referral:
        return _COURT_DELEGATED
    if track_code == "judicial":
        return _COURT_ENTRUSTED
    if case.category == "labour":
        return _LABOUR
    if case.category == "medical":
        return _MEDICAL_ADMIN if track_code == "administrative" else _MEDICAL_PEOPLE
    if track_code == "administrative":
        return _TRAFFIC_POLICE if case.category == "traffic" else _ADMINISTRATIVE
    return _PEOPLE
