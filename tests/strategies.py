"""Shared hypothesis strategies: parties, trigger inputs, times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from stdnum.cn import ric

from mediation import Party
from mediation._demo import agreement

__all__ = ["business_times", "inputs_for", "resident_ids", "trigger_data"]


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """Valid 18-digit resident IDs (region 110105, births 1940-1999)."""
    born = draw(st.dates(dt.date(1940, 1, 1), dt.date(1999, 12, 31)))
    seq = draw(st.integers(0, 999))
    body = f"110105{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def people(draw: st.DrawFn, role: str) -> Party:
    """A natural person in ``role`` with a valid ID."""
    name = draw(st.sampled_from(["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九"]))
    return Party.person(
        name + str(draw(st.integers(1, 99))), id_number=draw(resident_ids()), role=role
    )


def business_times(start: dt.datetime) -> st.SearchStrategy[dt.timedelta]:
    """Steps forward in time: minutes to a few weeks."""
    return st.integers(0, 20 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))


_TRIGGERS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "triage": st.fixed_dictionaries(
        {
            "track": st.sampled_from(["people", "administrative", "judicial", "bogus"]),
            "level": st.sampled_from(["village", "town", "county", "moon"]),
        }
    ),
    "accept": st.one_of(
        st.just({}), st.just({"refused_by": "p3"}), st.just({"other_side_consents": True})
    ),
    "inform_rights": st.just({}),
    "party_refuses": st.sampled_from(
        [
            {"party": "p3"},
            {"party": "p9", "remedies_informed": True},
            {"party": "p1", "remedies_informed": True},
        ]
    ),
    "refer": st.sampled_from(
        [{"to": "qt-dm", "reason": "complex"}, {"to": "qt", "reason": "complex"}, {"to": "x"}]
    ),
    "take_referral": st.just({}),
    "return_referral": st.sampled_from([{"reason": "不属本级"}, {}]),
    "hand_off": st.sampled_from(
        [
            {"track": "administrative", "unit": "qt-dmz", "reason": "行政调解", "consent": True},
            {"track": "administrative", "unit": "qt-dmz", "reason": "行政调解"},
            {"track": "judicial", "unit": "qt-dm", "reason": "x", "consent": True},
        ]
    ),
    "second_session": st.just({}),
    "decide_penalty": st.just({}),
    "transfer_out": st.just({"reason": "属行政机关职权", "to": "县人社局"}),
    "start_mediation": st.just({"mediators": ["mediator-chen"]}),
    "suspend": st.fixed_dictionaries(
        {"reason": st.sampled_from(["appraisal", "hearing", "party_wait", "other", "nap"])}
    ),
    "resume": st.just({}),
    "agree": st.one_of(
        st.just({"agreement": agreement("2026-12-20")}),
        st.just({"agreement": {"form": "oral", "terms": ["口头达成：互不追究"]}}),
        st.just({"agreement": {"form": "written", "terms": ["只有条款"]}}),
    ),
    "sign": st.fixed_dictionaries(
        {
            "signer": st.sampled_from(["陈调解", "调委会", "路人"]),
            "capacity": st.sampled_from(["mediator", "committee", "party"]),
            "signed_at": st.just("2026-09-01T10:00:00+08:00"),
        }
    ),
    "begin_performance": st.just({}),
    "confirm_performed": st.just({}),
    "report_not_performed": st.just({}),
    "remediate": st.just({"reason": "一方反悔", "consent": True}),
    "terminate": st.fixed_dictionaries(
        {"reason": st.just("分歧过大"), "remedies_informed": st.booleans()}
    ),
    "start_callback": st.just({}),
    "record_callback": st.sampled_from(
        [
            {
                "visitor": "陈调解",
                "party": "p1",
                "finding": "performed",
                "satisfaction": "satisfied",
            },
            {"visitor": "陈调解", "party": "张三", "performance": "已履行", "satisfaction": "满意"},
            {"visitor": "陈调解", "satisfaction": "satisfied"},  # refused from version 10 on
        ]
    ),
    "reopen": st.just({"reason": "回访发现未履行", "consent": True}),
    "close": st.just({}),
    "archive": st.just({}),
    "withdraw": st.just({"reason": "申请人撤回"}),
    "fly": st.just({}),
}


def inputs_for(trigger: str) -> st.SearchStrategy[dict[str, Any]]:
    """Inputs (sometimes wrong) for one dispute trigger; ``{}`` for any other name."""
    return _TRIGGERS.get(trigger, st.just({}))


def trigger_data() -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """A trigger name (sometimes unknown) with inputs (sometimes wrong)."""
    return st.sampled_from(sorted(_TRIGGERS)).flatmap(lambda t: _TRIGGERS[t].map(lambda d: (t, d)))
