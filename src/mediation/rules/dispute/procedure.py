"""Which mediation procedure a dispute is in, and the grounds each procedure cites."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from mediation.model import Case
from mediation.rules.categories import ancestors
from mediation.rules.dispute.details import details
from mediation.rules.dispute.intake import _police_kind

__all__ = [
    "HANDLED_GROUNDS",
    "REFUSAL_GROUNDS",
    "WITHDRAWAL_GROUNDS",
    "Procedure",
    "grounded",
    "procedure",
]

# -- the procedure that ended -----------------------------------------------------------


class Procedure(StrEnum):
    """Which mediation procedure a case was in (its track, organ and category).

    The notices that end it follow the procedure: a people's mediation ends
    under 《人民调解法》第二十六条; the traffic police's under 《道路交通事故处理程序规定》
    第九十条 (调解终结书); the health department's under 《医疗纠纷预防和处理条例》
    第四十条; 治安调解 under 《治安管理处罚法》第九条; any other administrative
    mediation under the local rule (RULES.md §6.7).
    """

    people = "people"
    traffic_police = "traffic_police"
    medical_admin = "medical_admin"
    public_order = "public_order"
    administrative = "administrative"


def procedure(case: Case, policy: Any) -> Procedure:
    """The procedure of ``case``: its track (from its details), organ and category.

    The judicial track (a committee mediating on a court's delegation) is a
    people's mediation for the notices.
    """
    track = details(case).track
    if track != "administrative":
        return Procedure.people
    police = _police_kind(case, track, policy)
    if police == "traffic":
        return Procedure.traffic_police
    if police == "public_order":
        return Procedure.public_order
    if "medical" in ancestors(case.category, policy.categories):
        return Procedure.medical_admin
    return Procedure.administrative


HANDLED_GROUNDS: dict[Procedure, str] = {
    Procedure.people: "《人民调解工作若干规定》第二十二条第二项",
    Procedure.medical_admin: "《医疗纠纷预防和处理条例》第四十条",
    Procedure.traffic_police: "《道路交通安全法实施条例》第九十六条",
    Procedure.public_order: "",
    Procedure.administrative: "",
}
"""The ground for not accepting a matter another organ already accepted or resolved, by
procedure: a people's mediation organisation cites 2002 规定 第二十二条第二项; the health
department 条例 第四十条 (mutually exclusive with court and people's mediation); the traffic
police 实施条例 第九十六条 (no mediation once a suit is filed); 治安调解 and other
administrative mediation have no national ground (RULES.md §6.5, §6.7)."""


REFUSAL_GROUNDS: dict[Procedure, str] = {
    Procedure.people: "《人民调解法》第十七条",
    Procedure.public_order: "《公安机关办理行政案件程序规定》第一百七十九条",
    Procedure.traffic_police: "",
    Procedure.medical_admin: "",
    Procedure.administrative: "",
}
"""The ground for not mediating a matter a party clearly refuses to have mediated: the
committees' 人民调解法 第十七条; for 治安调解 程序规定 第一百七十九条 (当事人明确表示不愿意
调解处理); the other administrative procedures rest on the parties' application and cite no
national article (RULES.md §6.3, §6.4, §6.7)."""

WITHDRAWAL_GROUNDS: dict[Procedure, tuple[str, str]] = {
    Procedure.people: ("拒绝继续调解，终止调解", "《人民调解法》第二十三条"),
    Procedure.public_order: (
        "不同意继续调解，调解未达成协议，依法处罚",
        "《公安机关办理行政案件程序规定》第一百八十五条",
    ),
    Procedure.traffic_police: ("退出调解，终止调解", "《道路交通事故处理程序规定》第九十四条"),
    Procedure.medical_admin: ("拒绝继续调解，终止调解", ""),
    Procedure.administrative: ("拒绝继续调解，终止调解", ""),
}
"""What a party's leaving a mediation under way means, and its ground, by procedure: the
committees end it (人民调解法 第二十三条); 治安调解 failed goes to the penalty (程序规定
第一百八十五条); the traffic police end theirs when a party withdraws (程序规定 第九十四条)."""


def grounded(text: str, basis: str) -> str:
    """An outcome as recorded: the text, then its legal ground in brackets if there is one."""
    return f"{text}（{basis}）" if basis else text
