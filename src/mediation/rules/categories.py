"""Dispute categories (纠纷类别): a tree with Chinese labels, default tracks and competent organs.

A category is what the intake clerk ticks on the 受理登记表. It decides, with
the track, which statutory clock the mediation runs on (see
:mod:`mediation.rules.linkage`), which track triage proposes, whether an
industry committee (行业性专业性人民调解委员会) of that category exists to take it,
and whether the matter is one people's mediation may not accept at all
(司法部《人民调解工作若干规定》第二十二条第一项: reserved by law to a specialised
organ — a criminal matter goes to the public-security organ). Embedders
supply their own table in the policy; an unknown category is refused at intake.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = ["CATEGORIES", "Category", "ancestors"]


@attrs.frozen(slots=True)
class Category:
    """A dispute category.

    Attributes:
        code: Stored value.
        label: Chinese label.
        basis: A special statute that governs it, if any.
        parent: The broader category it belongs to (the tree), if any.
        track: The track triage proposes (``people``, ``administrative``, ``judicial``).
        reserved_to: The organ that alone may handle it (a criminal matter: the
            public-security organ); people's mediation may not accept it
            (2002 规定 第二十二条第一项) and transfers it there.
        mediators: The unit kinds a special statute lets mediate it (empty: any unit
            that runs the track); an industry committee among them only for the
            categories it declares.
        mediators_basis: The article naming them.
        written: The article that requires a written agreement, if one does (no oral
            agreement then, whatever the amount).
    """

    code: str
    label: str
    basis: str = ""
    parent: str | None = None
    track: str = "people"
    reserved_to: str = ""
    mediators: frozenset[str] = frozenset()
    mediators_basis: str = ""
    written: str = ""


_GRASSROOTS = frozenset(
    {"committee", "industry_committee", "government", "justice_office", "centre", "grid"}
)
"""The basic-level mediation organisations and the township (street) bodies: who the labour
and land-contract statutes name (劳动争议调解仲裁法 第十条; 农村土地承包经营纠纷调解仲裁法
第七条), as unit kinds of :class:`mediation.rules.org.UnitKind`."""


CATEGORIES: Mapping[str, Category] = MappingProxyType(
    {
        c.code: c
        for c in (
            Category("neighbor", "邻里纠纷"),
            Category("family", "婚姻家庭纠纷"),
            Category("homestead", "房屋宅基地纠纷"),
            Category(
                "land_contract",
                "土地承包经营纠纷",
                "《农村土地承包经营纠纷调解仲裁法》",
                mediators=_GRASSROOTS,
                mediators_basis="《农村土地承包经营纠纷调解仲裁法》第七条",
                written="《农村土地承包经营纠纷调解仲裁法》第十条",
            ),
            Category("contract", "合同纠纷"),
            Category("debt", "债务纠纷"),
            Category("damage", "损害赔偿纠纷"),
            Category(
                "labour",
                "劳动争议",
                "《劳动争议调解仲裁法》",
                mediators=_GRASSROOTS,
                mediators_basis="《劳动争议调解仲裁法》第十条",
                written="《劳动争议调解仲裁法》第十四条第一款",
            ),
            Category(
                "medical",
                "医疗纠纷",
                "《医疗纠纷预防和处理条例》",
                # A committee's agreement takes effect once signed or sealed by both sides and
                # the mediator and sealed by the committee (第三十九条); the health department's
                # mediation ends in an agreement both sides sign (第四十条).
                written="《医疗纠纷预防和处理条例》第三十九条、第四十条",
            ),
            Category("traffic", "道路交通事故纠纷", "《道路交通安全法》第七十四条"),
            Category("property_management", "物业纠纷"),
            Category("consumer", "消费纠纷"),
            Category(
                "public_order",
                "治安纠纷（因民间纠纷引起的殴打、损毁财物等）",
                "《治安管理处罚法》第九条；《公安机关办理行政案件程序规定》第一百七十八条",
                parent="damage",
                track="administrative",
            ),
            Category(
                "criminal",
                "涉嫌刑事犯罪的纠纷",
                "《人民调解工作若干规定》第二十二条第一项",
                reserved_to="公安机关",
            ),
            Category("other", "其他纠纷"),
        )
    }
)
"""The default category table."""


def ancestors(code: str, table: Mapping[str, Category]) -> tuple[str, ...]:
    """``code`` and the categories above it in the tree, nearest first."""
    out: list[str] = []
    current: str | None = code
    while current is not None and current in table and current not in out:
        out.append(current)
        current = table[current].parent
    return tuple(out)
