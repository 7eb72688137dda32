"""The single table of statutory periods (RULES.md §0 master table).

Every numeric row of the master table is one :class:`PeriodRule` in
:data:`PERIODS`, keyed by a stable snake_case id. Rows without a number
(1a: 《人民调解法》第二十一条 "及时、就地"; 19: land-contract mediation) have no
entry: there is nothing to count.

How the periods are counted (see :mod:`mediation.rules.counting`):

* Court periods (judicial confirmation, objection, enforcement) follow
  《民事诉讼法》第八十五条; civil-law periods follow 《民法典》第二百零一条至
  第二百零三条. The two agree.
* **信访 periods** (RULES.md §5.2, a design decision, not a settled legal
  rule): the 《信访工作条例》 writes 15/60/30 as plain "日" and only the
  objection period as "5个工作日", so they are **calendar days**, computed by
  the 民法典 method by analogy (start day excluded, a last day on a rest day
  rolls forward). A province whose petition regulation says otherwise
  supplies its own table to the engine policy.
* The 2002 people's-mediation "一个月" has no computation clause either and
  is counted the same way.

Rules reference a period by its object (``period("people_mediation")`` at
import: a misspelled id fails when the module is imported, with
:class:`~mediation._errors.DefinitionError`); a workflow lists the periods
its clocks follow, and may bring periods of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from mediation._errors import DefinitionError, ValidationError
from mediation.model import ClockKind, LabeledEnum
from mediation.rules.calendar import Calendar
from mediation.rules.counting import DueDate, PeriodUnit, RollPolicy, compute_due

__all__ = [
    "PERIODS",
    "STATUSES",
    "Approver",
    "ClockHolder",
    "Extension",
    "PauseReason",
    "PeriodRule",
    "check_extension",
    "clock_kind",
    "period",
]


class PauseReason(LabeledEnum):
    """Why a clock may stop (RULES.md §5.6); a clock stops only if its rule names the reason.

    ``other`` stops no statutory clock: it is recorded, and the clocks run on.
    """

    appraisal = "appraisal", "鉴定"
    hearing = "hearing", "听证"
    party_wait = "party_wait", "等待当事人"
    objection = "objection", "异议待核实"
    other = "other", "其他"


class ClockHolder(LabeledEnum):
    """Whose period it is (DESIGN.md: a duty clock vs a parties' own period).

    ``unit``: the unit handling the case (its duty, or with ``soft`` its
    target); ``parties``: a right the parties exercise within the period
    (申请司法确认, 复查/复核 requests, 申请执行, 诉讼时效) — shown and reminded,
    never the unit's breach; ``organ``: a court's or another organ's period
    tracked for the parties (法院受理、审查司法确认申请).
    """

    unit = "unit", "承办单位"
    parties = "parties", "当事人"
    organ = "organ", "其他机关"


def clock_kind(holder: ClockHolder, soft: bool) -> ClockKind:
    """The kind of clock a rule opens: the unit's duty or target, a parties' or an organ's period."""
    if holder is ClockHolder.parties:
        return ClockKind.party
    if holder is ClockHolder.organ:
        return ClockKind.external
    return ClockKind.target if soft else ClockKind.duty


class Approver(LabeledEnum):
    """Who may extend a period (RULES.md §5.6)."""

    organ_head = "organ_head", "机关负责人"
    court_president = "court_president", "本院院长"
    parties_consent = "parties_consent", "当事人同意"
    higher_public_security = "higher_public_security", "上一级公安机关"
    arbitration_commission_head = "arbitration_commission_head", "仲裁委员会主任"


STATUSES = frozenset({"V-PRIMARY", "V-SECONDARY", "PRACTICE", "UNVERIFIED"})
"""Verification tags of RULES.md (status legend)."""

_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _approver(value: Any) -> Approver:
    try:
        return Approver(value)
    except ValueError:
        raise DefinitionError(f"unknown extension approver {value!r}") from None


def _reasons(values: Any) -> frozenset[PauseReason]:
    try:
        return frozenset(PauseReason(v) for v in values)
    except ValueError as exc:
        raise DefinitionError(f"unknown pause reason: {exc}") from None


@attrs.frozen(slots=True)
class Extension:
    """Who may extend a period, and by how much at most.

    Attributes:
        approver: Who approves it.
        max_length: The cap on the total extension, in the period's unit;
            None when the source sets no cap.
        notify_petitioner: The petitioner must be told why (信访工作条例 第三十四条).
    """

    approver: Approver = attrs.field(converter=_approver)
    max_length: int | None
    notify_petitioner: bool = False

    def __attrs_post_init__(self) -> None:
        if self.max_length is not None and self.max_length < 1:
            raise DefinitionError(f"extension cap must be >= 1, got {self.max_length}")


@attrs.frozen(slots=True)
class PeriodRule:
    """One statutory period.

    Attributes:
        id: Stable snake_case key (what is stored on a deadline).
        name_zh: Chinese name of the step.
        length: The number of units.
        unit: Its unit.
        starts_on: The event that starts the clock (the start day itself is
            not counted).
        pausable_by: Events whose duration does not count.
        extension: Who may extend it and the cap, or None.
        basis: Law and article, in Chinese.
        status: Verification tag (:data:`STATUSES`).
        soft: True for a target ("一般在一个月内"), not a hard limit: passing
            it warns, it is not supervised.
        holder: Whose period it is: the unit's, the parties', or another organ's.
        note: Caveats a clerk or a configurer needs.
    """

    id: str
    name_zh: str
    length: int
    unit: PeriodUnit
    starts_on: str
    basis: str
    status: str
    pausable_by: frozenset[PauseReason] = attrs.field(default=frozenset(), converter=_reasons)
    extension: Extension | None = None
    soft: bool = False
    note: str = ""
    holder: ClockHolder = attrs.field(default=ClockHolder.unit, converter=ClockHolder)

    def __attrs_post_init__(self) -> None:
        """Refuse a malformed rule when the table is built."""
        if not _ID.fullmatch(self.id):
            raise DefinitionError(f"period id {self.id!r} is not snake_case")
        if type(self.length) is not int or self.length < 1:
            raise DefinitionError(f"period {self.id!r}: length must be >= 1, got {self.length!r}")
        if not isinstance(self.unit, PeriodUnit):
            raise DefinitionError(f"period {self.id!r}: unit {self.unit!r} is not a PeriodUnit")
        if self.status not in STATUSES:
            raise DefinitionError(f"period {self.id!r}: unknown status {self.status!r}")
        if not (self.name_zh and self.starts_on and self.basis):
            raise DefinitionError(f"period {self.id!r}: name_zh, starts_on and basis are required")

    @property
    def kind(self) -> ClockKind:
        """The kind of clock this rule opens (see :class:`~mediation.model.ClockKind`)."""
        return clock_kind(self.holder, self.soft)

    @property
    def label(self) -> str:
        """The period as written in Chinese, e.g. "30个工作日"."""
        return f"{self.length}{self.unit.label}"

    def due(
        self,
        start: date,
        calendar: Calendar,
        *,
        paused: int = 0,
        extension: int = 0,
        roll: RollPolicy = RollPolicy.literal,
    ) -> DueDate:
        """Return this period's last day for a clock started on ``start``.

        Args:
            start: The day of :attr:`starts_on`'s event (not counted).
            calendar: Rest and working days.
            paused: Time not counted (see :func:`~mediation.rules.counting.compute_due`).
            extension: Total approved extension, in :attr:`unit`.
            roll: Roll policy for a last day on a rest day.

        Raises:
            ValidationError: a negative input, or an extension the rule does
                not allow or beyond its cap.
            CalendarError: a day consulted has no data.
        """
        if extension:
            check_extension(self, extension, 0, None)
        return compute_due(
            start,
            self.length,
            self.unit,
            calendar=calendar,
            paused=paused,
            extension=extension,
            roll=roll,
        )


def check_extension(rule: PeriodRule, requested: int, already: int, approver: str | None) -> None:
    """Refuse an extension the rule does not allow.

    Args:
        rule: The period being extended.
        requested: The additional extension, in the rule's unit.
        already: Extension granted before, in the rule's unit.
        approver: Who approves it; None skips the approver check (used when
            recomputing an extension already granted).

    Raises:
        ValidationError: ``requested`` is not positive, ``already`` negative,
            the rule has no extension clause, the approver is not the one the
            rule names, or the total would exceed the cap. The message names
            the rule and its legal basis.
    """
    where = f"{rule.id} ({rule.name_zh}; {rule.basis})"
    if type(requested) is not int or requested < 1:
        raise ValidationError("extension", requested, f"an extension must be >= 1 for {where}")
    if type(already) is not int or already < 0:
        raise ValidationError("extension", already, f"extension granted must be >= 0 for {where}")
    ext = rule.extension
    if ext is None:
        raise ValidationError("extension", requested, f"{where} has no extension clause")
    if approver is not None and approver != ext.approver:
        raise ValidationError(
            "approver",
            approver,
            f"{where} may only be extended with the approval of {ext.approver.label} "
            f"({ext.approver.value})",
        )
    if ext.max_length is not None and already + requested > ext.max_length:
        raise ValidationError(
            "extension",
            requested,
            f"{where} may be extended by at most {ext.max_length}{rule.unit.label} in total "
            f"({already}{rule.unit.label} already granted)",
        )


_D = PeriodUnit.days
_WD = PeriodUnit.working_days
_M = PeriodUnit.months
_Y = PeriodUnit.years
_PRIMARY = "V-PRIMARY"
_SECONDARY = "V-SECONDARY"
_PARTIES = Extension("parties_consent", None)
_PARTY_PERIOD = ClockHolder.parties
_ORGAN = ClockHolder.organ
_PETITION = "《信访工作条例》(2022)"
_SIMPLE = "国家信访局《信访事项简易办理办法(试行)》(2016)"
_SPC_2011 = "最高法《关于人民调解协议司法确认程序的若干规定》(法释〔2011〕5号)"
_MEDICAL = "《医疗纠纷预防和处理条例》"
_TRAFFIC = "公安部《道路交通事故处理程序规定》"
_PS = "公安部《公安机关办理行政案件程序规定》"
_INVITED = "最高法《关于人民法院特邀调解的规定》(2016)"
_ONLINE = "《人民法院在线调解规则》(2021)"
_LAND = "《农村土地承包经营纠纷调解仲裁法》"

_RULES = (
    # Row 1: people's mediation, 2002 rule.
    PeriodRule(
        id="people_mediation",
        name_zh="人民调解调结",
        length=1,
        unit=_M,
        starts_on="受理之日",
        basis="司法部《人民调解工作若干规定》(2002) 第三十三条",
        status=_SECONDARY,
        extension=_PARTIES,
        soft=True,
        note="“一般在一个月内调结”：目标期限而非强制期限；"
        "经双方同意继续调解见于地方规定 (PRACTICE)。"
        "《人民调解法》第二十一条本身无期限。",
    ),
    # Row 2.
    PeriodRule(
        id="judicial_confirmation_apply",
        holder=_PARTY_PERIOD,
        name_zh="申请司法确认",
        length=30,
        unit=_D,
        starts_on="调解协议生效之日",
        basis="《人民调解法》第三十三条; 《民事诉讼法》(2023) 第二百零五条",
        status=_PRIMARY,
        note="逾期申请按不予受理处理 (PRACTICE)。"
        "书面协议生效日 = 各方签名、调解员签名、盖章中最晚者。",
    ),
    # Row 3.
    PeriodRule(
        id="judicial_confirmation_accept",
        holder=_ORGAN,
        name_zh="法院决定是否受理司法确认申请",
        length=3,
        unit=_D,
        starts_on="收到申请之日",
        basis=f"{_SPC_2011} 第四条",
        status=_PRIMARY,
        note="双方当事人同时到场申请的，可以当即受理并作出决定。",
    ),
    # Row 4a.
    PeriodRule(
        id="judicial_confirmation_examine",
        holder=_ORGAN,
        name_zh="法院作出司法确认决定",
        length=15,
        unit=_D,
        starts_on="受理之日",
        basis=f"{_SPC_2011} 第五条",
        status=_PRIMARY,
        extension=Extension("court_president", 10),
        note="与《民事诉讼法》第一百八十七条的 30 日 (自立案) 并存；"
        "30 日为外部硬限 (RULES.md §3)。",
    ),
    # Row 4b.
    PeriodRule(
        id="judicial_confirmation_statutory",
        holder=_ORGAN,
        name_zh="特别程序案件审结 (确认调解协议案件)",
        length=30,
        unit=_D,
        starts_on="立案之日",
        basis="《民事诉讼法》(2023) 第一百八十七条、第一百八十四条",
        status=_PRIMARY,
        extension=Extension("court_president", None),
    ),
    # Row 5.
    PeriodRule(
        id="confirmation_objection_party",
        holder=_PARTY_PERIOD,
        name_zh="当事人对司法确认裁定提出异议",
        length=15,
        unit=_D,
        starts_on="收到裁定之日",
        basis="《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》(2022) 第三百七十二条",
        status=_PRIMARY,
    ),
    PeriodRule(
        id="confirmation_objection_interested",
        holder=_PARTY_PERIOD,
        name_zh="利害关系人对司法确认裁定提出异议",
        length=6,
        unit=_M,
        starts_on="知道或者应当知道其民事权益受到侵害之日",
        basis="《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》(2022) 第三百七十二条",
        status=_PRIMARY,
        note="法释〔2011〕5号 第十条的一年撤销期限可能已被取代 (UNVERIFIED)。",
    ),
    # Row 6.
    PeriodRule(
        id="enforcement_apply",
        holder=_PARTY_PERIOD,
        name_zh="申请执行经确认的调解协议",
        length=2,
        unit=_Y,
        starts_on="协议履行期间的最后一日"
        "(分期履行：最后一期届满日；未定履行期间：法律文书生效之日)",
        basis="《民事诉讼法》(2023) 第二百五十条",
        status=_PRIMARY,
        note="中止、中断适用诉讼时效的规定：中断后重新计算 (新开一个期间)；中止依《民法典》"
        "第一百九十四条 (原因消除后满六个月届满)，不是简单暂停，未建模为 pausable_by。",
    ),
    # Rows 7-12a: 信访工作条例 (calendar days, see the module docstring).
    PeriodRule(
        id="petition_register",
        name_zh="信访部门登记并转送、交办",
        length=15,
        unit=_D,
        starts_on="收到信访事项之日",
        basis=f"{_PETITION} 第二十二条",
        status=_PRIMARY,
    ),
    PeriodRule(
        id="petition_notice",
        name_zh="书面告知信访人是否受理",
        length=15,
        unit=_D,
        starts_on="收到信访事项之日",
        basis=f"{_PETITION} 第二十三条第二款",
        status=_PRIMARY,
        note="能够当场告知的应当当场书面告知；信访人姓名 (名称)、住址不清的除外。",
    ),
    PeriodRule(
        id="petition_transfer_notice",
        name_zh="收到转送、交办事项后书面告知信访人",
        length=15,
        unit=_D,
        starts_on="收到转送、交办的信访事项之日",
        basis=f"{_PETITION} 第二十三条第三款",
        status=_PRIMARY,
        pausable_by={PauseReason.objection},
        note=(
            "Counted from receipt with no pause (RULES.md §0 row 9, §5.6): from petition "
            "version 7 an objection (petition_objection) does not stop it. Versions 2 to 6 "
            "stopped the 15 日 while the office verified, and ran on if it did not agree."
        ),
    ),
    PeriodRule(
        id="petition_objection",
        name_zh="对转送、交办事项提出异议 (不属于本机关职权范围)",
        length=5,
        unit=_WD,
        starts_on="收到转送、交办的信访事项之日",
        basis=f"{_PETITION} 第二十三条第三款",
        status=_PRIMARY,
        soft=True,
        note=(
            "The organ's right to object, not a duty: an organ that accepts the matter "
            "has its 15 日 (petition_transfer_notice); the window is not supervised, and "
            "it is cancelled, not breached, when the organ accepts or decides otherwise."
        ),
    ),
    PeriodRule(
        id="petition_handling",
        name_zh="申诉求决类信访事项办结",
        length=60,
        unit=_D,
        starts_on="受理之日",
        basis=f"{_PETITION} 第三十四条",
        status=_PRIMARY,
        extension=Extension("organ_head", 30, notify_petitioner=True),
        note="仅适用于第三十一条第六项事项；延长须经本机关负责人批准并告知信访人延期理由。",
    ),
    PeriodRule(
        id="petition_review_request",
        holder=_PARTY_PERIOD,
        name_zh="信访人请求复查",
        length=30,
        unit=_D,
        starts_on="收到书面答复之日",
        basis=f"{_PETITION} 第三十五条",
        status=_PRIMARY,
    ),
    PeriodRule(
        id="petition_review_opinion",
        name_zh="复查机关提出复查意见",
        length=30,
        unit=_D,
        starts_on="收到复查请求之日",
        basis=f"{_PETITION} 第三十五条",
        status=_PRIMARY,
    ),
    PeriodRule(
        id="petition_rereview_request",
        holder=_PARTY_PERIOD,
        name_zh="信访人请求复核",
        length=30,
        unit=_D,
        starts_on="收到书面复查意见之日",
        basis=f"{_PETITION} 第三十六条第一款",
        status=_PRIMARY,
    ),
    PeriodRule(
        id="petition_rereview_opinion",
        name_zh="复核机关提出复核意见",
        length=30,
        unit=_D,
        starts_on="收到复核请求之日",
        basis=f"{_PETITION} 第三十六条第一款、第二款",
        status=_PRIMARY,
        pausable_by={PauseReason.hearing},
        note="听证所需时间不计算在内。",
    ),
    # Row 13: simplified handling, first-time petitions only.
    PeriodRule(
        id="petition_simple_accept",
        name_zh="简易办理：决定是否受理",
        length=3,
        unit=_WD,
        starts_on="收到信访事项之日",
        basis=_SIMPLE,
        status=_SECONDARY,
        pausable_by={PauseReason.objection},
        note=(
            "仅适用于初次信访事项。Counted from receipt with no pause (RULES.md §0 row 13): "
            "from petition version 7 an objection to a transferred or assigned matter "
            "(《信访工作条例》第二十三条第三款) does not stop it; versions 2 to 6 stopped the "
            "3 working days while the office verified."
        ),
    ),
    PeriodRule(
        id="petition_simple_handle",
        name_zh="简易办理：出具处理意见",
        length=10,
        unit=_WD,
        starts_on="受理之日",
        basis=_SIMPLE,
        status=_SECONDARY,
        note="仅适用于初次信访事项；能够当场答复的当场答复。",
    ),
    PeriodRule(
        id="petition_simple_transfer",
        name_zh="简易办理：每一层级转送、交办",
        length=1,
        unit=_WD,
        starts_on="收到信访事项之日",
        basis=_SIMPLE,
        status=_SECONDARY,
        note="每个中间层级各一个工作日。",
    ),
    # Row 14.
    PeriodRule(
        id="labour_mediation",
        name_zh="劳动争议调解",
        length=15,
        unit=_D,
        starts_on="调解组织收到调解申请之日",
        basis="《劳动争议调解仲裁法》第十四条第三款",
        status=_PRIMARY,
        note="逾期未达成调解协议的，当事人可以依法申请仲裁；无延长规定。",
    ),
    PeriodRule(
        id="labour_arbitration_time_bar",
        holder=_PARTY_PERIOD,
        name_zh="劳动争议申请仲裁时效",
        length=1,
        unit=_Y,
        starts_on="知道或者应当知道其权利被侵害之日",
        basis="《劳动争议调解仲裁法》第二十七条",
        status=_PRIMARY,
        note="向有关部门请求权利救济的中断，从中断时起重新计算（第二款）；劳动关系存续期间"
        "因拖欠劳动报酬发生争议的，不受一年限制，劳动关系终止的自终止之日起一年（第四款）。",
    ),
    # Rows 15, 15a.
    PeriodRule(
        id="medical_people_mediation",
        name_zh="医疗纠纷人民调解",
        length=30,
        unit=_WD,
        starts_on="受理之日",
        basis=f"{_MEDICAL} 第三十八条",
        status=_PRIMARY,
        pausable_by={PauseReason.appraisal},
        extension=_PARTIES,
        note="鉴定时间不计入；经医患双方和调解委员会同意可以延长；逾期未达成协议的视为调解不成。",
    ),
    PeriodRule(
        id="medical_admin_accept",
        name_zh="卫生主管部门决定是否受理医疗纠纷行政调解",
        length=5,
        unit=_WD,
        starts_on="收到调解申请之日",
        basis=f"{_MEDICAL} 第四十条",
        status=_PRIMARY,
    ),
    PeriodRule(
        id="medical_admin_mediation",
        name_zh="医疗纠纷行政调解",
        length=30,
        unit=_WD,
        starts_on="受理之日",
        basis=f"{_MEDICAL} 第四十条",
        status=_PRIMARY,
        pausable_by={PauseReason.appraisal},
        note="鉴定时间不计入；无延长规定。",
    ),
    # Rows 16, 16a, 16b: the 程序规定's own 日 are working days (第一百一十二条(五)).
    PeriodRule(
        id="traffic_police_apply",
        holder=_PARTY_PERIOD,
        name_zh="申请公安机关交通管理部门调解损害赔偿",
        length=10,
        unit=_WD,
        starts_on="收到道路交通事故认定书、道路交通事故证明或者上一级复核结论之日",
        basis=f"{_TRAFFIC} 第八十六条、第一百一十二条(五); 《道路交通安全法实施条例》第九十四条",
        status=_PRIMARY,
        note="各方当事人应当共同书面申请。"
        "实施条例写作“10日”，程序规定解释为工作日 (RULES.md §5.3)。",
    ),
    PeriodRule(
        id="traffic_switch_to_police",
        holder=_PARTY_PERIOD,
        name_zh="人民调解不成后申请交警调解",
        length=3,
        unit=_WD,
        starts_on="人民调解委员会终止调解之日",
        basis=f"{_TRAFFIC} 第八十五条、第一百一十二条(五)",
        status=_PRIMARY,
        note="各方当事人应当共同书面申请。",
    ),
    PeriodRule(
        id="traffic_session_notice",
        name_zh="交警调解通知当事人",
        length=3,
        unit=_WD,
        starts_on="通知当事人调解时间、地点之日",
        basis=f"{_TRAFFIC} 第八十八条、第一百一十二条(五)",
        status=_PRIMARY,
        note="应当于调解时间三日前通知当事人：调解不早于本期间届满之日。"
        "不开设时钟，只用于检查开始调解的日期。",
    ),
    PeriodRule(
        id="traffic_police_mediation",
        name_zh="交警调解期间",
        length=10,
        unit=_WD,
        starts_on="调解开始之日 (死亡：丧葬事宜结束；受伤：治疗终结；致残：定残；"
        "财产损失：损失确定；受理在后的为受理之日)",
        basis=f"{_TRAFFIC} 第九十条; 《道路交通安全法实施条例》第九十五条",
        status=_PRIMARY,
        note="一次调解期间，以调解书或调解终结书结束；无延长。",
    ),
    # Row 17 and the case-handling clock it restarts.
    PeriodRule(
        id="public_security_first_session",
        name_zh="治安调解第一次调解",
        length=3,
        unit=_WD,
        starts_on="受理之日，或者伤情鉴定、价格鉴定意见出具之日",
        basis=f"{_PS} 第一百八十三条; 《公安机关治安调解工作规范》(公通字〔2007〕81号) 第九条",
        status=_SECONDARY,
        note="3 个工作日出自工作规范 (V-SECONDARY)；程序规定第一百八十三条规定调解一般为一次。",
    ),
    PeriodRule(
        id="public_security_second_session",
        name_zh="治安调解第二次调解",
        length=7,
        unit=_WD,
        starts_on="第一次调解之日",
        basis=f"{_PS} 第一百八十三条",
        status=_PRIMARY,
        note="第一次调解不成、公安机关认为必要或者当事人申请时；最多两次。",
    ),
    PeriodRule(
        id="public_security_handling",
        name_zh="治安案件办理期限",
        length=30,
        unit=_D,
        starts_on="受理之日；调解不成或者不履行协议的，自该日重新起算",
        basis=f"{_PS} 第一百六十五条、第一百八十五条",
        status=_PRIMARY,
        pausable_by={PauseReason.appraisal},
        extension=Extension("higher_public_security", 30),
        note="鉴定期间不计入；经上一级公安机关批准可以延长三十日。"
        "2020 年修订是否改变条文序号 UNVERIFIED。",
    ),
    # Rows 18, 18a, 18b.
    PeriodRule(
        id="court_delegated",
        name_zh="委派调解 (诉前调解)",
        length=30,
        unit=_D,
        starts_on="调解员签收法院移交材料之日",
        basis=f"{_INVITED} 第二十七条",
        status=_PRIMARY,
        extension=_PARTIES,
        note="双方当事人同意延长的，不受此限。",
    ),
    PeriodRule(
        id="court_online_prefiling",
        name_zh="在线诉前调解",
        length=30,
        unit=_D,
        starts_on="调解员在平台确认接受之日",
        basis=f"{_ONLINE} 第二十四条、第二十六条",
        status=_PRIMARY,
        pausable_by={PauseReason.appraisal},
        extension=_PARTIES,
        note="各方当事人同意延长的，不受此限；鉴定时间不计入。",
    ),
    PeriodRule(
        id="court_entrusted_ordinary",
        name_zh="委托调解 (立案后，普通程序)",
        length=15,
        unit=_D,
        starts_on="调解员签收材料或在平台确认之日",
        basis=f"{_INVITED} 第二十七条; {_ONLINE} 第二十四条",
        status=_PRIMARY,
        extension=_PARTIES,
        note="经当事人同意延长的期间不计入审理期限。",
    ),
    PeriodRule(
        id="court_entrusted_simplified",
        name_zh="委托调解 (立案后，简易程序)",
        length=7,
        unit=_D,
        starts_on="调解员签收材料或在平台确认之日",
        basis=f"{_INVITED} 第二十七条; {_ONLINE} 第二十四条",
        status=_PRIMARY,
        extension=_PARTIES,
        note="经当事人同意延长的期间不计入审理期限。",
    ),
    # Row 19a: land-contract arbitration (the mediation itself has no period).
    PeriodRule(
        id="land_arbitration_time_bar",
        holder=_PARTY_PERIOD,
        name_zh="农村土地承包经营纠纷申请仲裁时效",
        length=2,
        unit=_Y,
        starts_on="知道或者应当知道其权利被侵害之日",
        basis=f"{_LAND} 第十八条",
        status=_PRIMARY,
    ),
    PeriodRule(
        id="land_arbitration_accept",
        name_zh="土地承包仲裁委员会决定受理或不予受理并通知",
        length=5,
        unit=_WD,
        starts_on="收到仲裁申请之日",
        basis=f"{_LAND} 第二十三条",
        status=_PRIMARY,
    ),
    PeriodRule(
        id="land_arbitration_award",
        name_zh="土地承包仲裁裁决",
        length=60,
        unit=_D,
        starts_on="受理仲裁申请之日",
        basis=f"{_LAND} 第四十七条",
        status=_PRIMARY,
        extension=Extension("arbitration_commission_head", 30),
        note="延长不超过三十日；批准人 (仲裁委员会主任) 未见于 RULES.md，发布前核对原文。",
    ),
    PeriodRule(
        id="land_award_sue",
        holder=_PARTY_PERIOD,
        name_zh="对土地承包仲裁裁决不服起诉",
        length=30,
        unit=_D,
        starts_on="收到裁决书之日",
        basis=f"{_LAND} 第四十八条",
        status=_PRIMARY,
        note="逾期不起诉的，裁决书即发生法律效力。",
    ),
    # Row 20.
    PeriodRule(
        id="limitation_period",
        holder=_PARTY_PERIOD,
        name_zh="诉讼时效",
        length=3,
        unit=_Y,
        starts_on="知道或者应当知道权利受到损害以及义务人之日",
        basis="《民法典》第一百八十八条; "
        "最高法《关于审理民事案件适用诉讼时效制度若干问题的规定》第十二条",
        status=_PRIMARY,
        note="向人民调解委员会提出请求之日中断，中断后重新计算 (新开一个期间)。",
    ),
    # -- Practice defaults (RULES.md §7: not national law; configure per locality) --------
    # The workflow needs a clock in every open state (DESIGN.md invariant); where the law
    # sets none, these defaults stand in, marked PRACTICE and soft.
    PeriodRule(
        id="dispute_acceptance",
        name_zh="受理审查（决定是否受理）",
        length=3,
        unit=_WD,
        starts_on="登记之日",
        basis="司法部《人民调解工作若干规定》(2002) 第二十三、二十四条（应当及时受理）",
        status="PRACTICE",
        soft=True,
        note="法律未规定受理审查期限；3个工作日参照简易办理受理时限，可按地方规定配置。",
    ),
    PeriodRule(
        id="suspension_review",
        name_zh="中止调解后恢复或终止",
        length=30,
        unit=_D,
        starts_on="中止调解之日",
        basis="《人民调解法》第二十一条（及时、就地调解，防止矛盾激化）",
        status="PRACTICE",
        soft=True,
        note="无法定期限：提醒调解员在期满前恢复调解或依第二十六条终止调解。",
    ),
    PeriodRule(
        id="traffic_start_review",
        name_zh="交警调解开始前跟踪",
        length=30,
        unit=_D,
        starts_on="受理之日（调解开始尚未到来）",
        basis="《道路交通事故处理程序规定》第九十条（调解期间自调解开始之日起计算）",
        status="PRACTICE",
        soft=True,
        note="无法定期限：治疗终结、丧葬事宜结束、定残或者损失确定之前调解期间不起算；"
        "提醒承办民警跟踪，调解开始后及时记录（record_mediation_start）。",
    ),
    PeriodRule(
        id="callback_visit",
        name_zh="回访",
        length=15,
        unit=_D,
        starts_on="协议履行完毕、确认未履行或调解终止之日",
        basis="《人民调解法》第三十一条第二款; 司法部《人民调解工作若干规定》(2002) 第三十六条",
        status="PRACTICE",
        soft=True,
        note="法律只要求“适时”回访，无全国统一天数 (RULES.md §7.5, UNVERIFIED)；"
        "“15日内”“30日内”等做法均未能核实，15日是本库的默认值，可配置。",
    ),
    PeriodRule(
        id="administrative_mediation",
        name_zh="行政调解",
        length=20,
        unit=_WD,
        starts_on="受理之日",
        basis="各地行政调解办法（无全国性法律，RULES.md §6.7）; 《信访工作条例》第三十七条（三调联动）",
        status="PRACTICE",
        soft=True,
        extension=Extension("organ_head", 10),
        note="示例取自一地规定：20个工作日，经机关负责人批准可延长10个工作日；按地方规定配置。",
    ),
)


def _build(rules: tuple[PeriodRule, ...]) -> Mapping[str, PeriodRule]:
    table: dict[str, PeriodRule] = {}
    for rule in rules:
        if rule.id in table:
            raise DefinitionError(f"duplicate period id {rule.id!r}")
        table[rule.id] = rule
    return MappingProxyType(table)


PERIODS: Mapping[str, PeriodRule] = _build(_RULES)
"""Every statutory period, by id (read-only)."""


def period(period_id: str) -> PeriodRule:
    """Return the period rule ``period_id``.

    Raises:
        DefinitionError: no period has that id.
    """
    try:
        return PERIODS[period_id]
    except KeyError:
        raise DefinitionError(f"unknown period id {period_id!r}") from None
