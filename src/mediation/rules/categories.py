"""Dispute categories (纠纷类别) with their Chinese labels.

A category is what the intake clerk ticks on the 受理登记表. The category
decides, with the track, which statutory clock the mediation runs on (see
:mod:`mediation.rules.linkage`). Embedders may add categories with a policy of
their own; an unknown category is refused at intake.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = ["CATEGORIES", "Category"]


@attrs.frozen(slots=True)
class Category:
    """A dispute category.

    Attributes:
        code: Stored value.
        label: Chinese label.
        basis: A special statute that governs it, if any.
    """

    code: str
    label: str
    basis: str = ""


CATEGORIES: Mapping[str, Category] = MappingProxyType(
    {
        c.code: c
        for c in (
            Category("neighbor", "邻里纠纷"),
            Category("family", "婚姻家庭纠纷"),
            Category("homestead", "房屋宅基地纠纷"),
            Category("land_contract", "土地承包经营纠纷", "《农村土地承包经营纠纷调解仲裁法》"),
            Category("contract", "合同纠纷"),
            Category("debt", "债务纠纷"),
            Category("damage", "损害赔偿纠纷"),
            Category("labour", "劳动争议", "《劳动争议调解仲裁法》"),
            Category("medical", "医疗纠纷", "《医疗纠纷预防和处理条例》"),
            Category("traffic", "道路交通事故纠纷", "《道路交通安全法》第七十四条"),
            Category("property_management", "物业纠纷"),
            Category("consumer", "消费纠纷"),
            Category("other", "其他纠纷"),
        )
    }
)
"""The default category table."""
