"""Where a simulated matter is first mediated comes from the org's ladder, not a name."""

from __future__ import annotations

import pytest

from mediation import OrgTree, Unit, ValidationError
from mediation.simulation._routing import base_level


def test_the_lowest_level_with_a_mediating_unit() -> None:
    with_villages = OrgTree(
        [
            Unit("c", "县调委会", "county", None, "县调"),
            Unit("t", "镇调委会", "town", "c", "镇调"),
            Unit("v", "村调委会", "village", "t", "村调"),
        ]
    )
    assert base_level(with_villages) == "village"
    towns_only = OrgTree(
        [
            Unit("c", "县调委会", "county", None, "县调"),
            Unit("t", "镇调委会", "town", "c", "镇调"),
            Unit("g", "镇人民政府", "town", "c", "镇政", kind="government"),
        ]
    )
    assert base_level(towns_only) == "town"


def test_an_org_without_a_mediating_unit_is_refused() -> None:
    nobody = OrgTree([Unit("b", "信访局", "county", None, "信访", kind="petition_bureau")])
    with pytest.raises(ValidationError, match="mediates"):
        base_level(nobody)
