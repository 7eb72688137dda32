"""A tiny scenario whose figures can be worked out by hand, and builders of small ones.

The county: its one-stop centre (``cz``), a town committee (``tw``) and one
village committee (``v1``) below it, where every matter arrives.
"""

from __future__ import annotations

import copy
from typing import Any

from mediation import Engine

UNITS: list[dict[str, Any]] = [
    {
        "id": "cz",
        "name": "某县矛盾纠纷调处化解中心",
        "level": "county",
        "kind": "centre",
        "code_prefix": "中心调",
    },
    {
        "id": "tw",
        "name": "甲镇人民调解委员会",
        "level": "town",
        "parent": "cz",
        "code_prefix": "甲镇调",
    },
    {
        "id": "v1",
        "name": "一村人民调解委员会",
        "level": "village",
        "parent": "tw",
        "code_prefix": "一调",
    },
]

VERSION = Engine.in_memory().definition("dispute").version
"""The dispute workflow new cases run on (its behaviour table has a few rows more from v2)."""

FIXED: dict[str, Any] = {
    "received": {"triage": {"delay": 0}},
    "triaged": {"refuse": {"p": 0}, "transfer_out": {"p": 0}, "accept": {"delay": 0}},
    "accepted": {"withdraw": {"p": 0}, "start_mediation": {"delay": 0}},
    "mediating": {
        "agree": {"p": 1, "delay": 2, "written": 0},
        "withdraw": {"p": 0},
        "suspend": {"p": 0},
        "terminate": {"delay": 2},
    },
    "agreed": {"begin_performance": {"delay": 0}},
    "performing": {
        "report_not_performed": {"p": 0},
        "confirm_performed": {"delay": {"value": 1, "unit": "wd"}},
    },
    "performed": {"start_callback": {"delay": {"value": 1, "unit": "wd"}}},
    "failed": {"refer_up": {"p": 0}, "close": {"delay": 1}},
    "callback": {"record_callback": {"delay": 1}, "close": {"delay": 1}},
    "closed": {"repeat": {"p": 0}},
}
if VERSION >= 2:
    FIXED["triaged"]["route"] = {"delay": 0}
    FIXED["referred"] = {"take_referral": {"delay": 0}}
    FIXED["accepted"]["inform_rights"] = {"delay": 0}
"""Every delay fixed, every probability 0 or 1: each case's path is known in advance."""


def merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``top``'s values (tables merged key by key)."""
    out = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def tiny(**top: Any) -> dict[str, Any]:
    """Three neighbour disputes at ``v1`` on Mon 2 to Wed 4 March 2026, 09:00; one mediator
    slot at the village; 30 days of arrivals and 60 more to finish."""
    data: dict[str, Any] = {
        "scenario": {
            "name": "tiny",
            "title": "手算情景",
            "start": "2026-03-02",
            "days": 30,
            "drain_days": 60,
            "seed": 7,
        },
        "units": UNITS,
        "capacity": {
            "village": {"mediators": 1, "cases_each": 1},
            "town": {"mediators": 1, "cases_each": 1},
            "county": {"mediators": 1, "cases_each": 1},
        },
        "receiving": {"v1": 1.0},
        "arrivals": {
            "neighbor": {
                "process": "scripted",
                "at": ["2026-03-02T09:00", "2026-03-03T09:00", "2026-03-04T09:00"],
                "channels": {"walk_in": 1.0},
            }
        },
        "behaviour": {"dispute": FIXED},
    }
    return merge(data, top)


def small(rate: float = 400.0, days: int = 40, **top: Any) -> dict[str, Any]:
    """A small random scenario: Poisson arrivals of two categories, the default behaviour."""
    data: dict[str, Any] = {
        "scenario": {"name": "small", "start": "2026-03-02", "days": days, "seed": 11},
        "units": UNITS,
        "capacity": {
            "village": {"mediators": 2, "cases_each": 3},
            "town": {"mediators": 2, "cases_each": 3},
        },
        "receiving": {"v1": 1.0},
        "arrivals": {
            "neighbor": {"rate": rate, "channels": {"walk_in": 0.7, "police_referral": 0.3}},
            "labour": {"rate": rate / 4, "amount": {"median": 20000, "sigma": 1.0}},
        },
        "triage": {"levels": {"labour": "town"}},
    }
    return merge(data, top)
