"""Errors in words a clerk reads: the field's Chinese label and the rule in Chinese.

The library names the field of a :class:`~mediation.ValidationError` as a
dotted path (``parties[1].id_number``, ``agreement.performance_deadline``) and
states its rule; many rules are written in Chinese already, the rest in
English. :func:`rule_zh` puts the English ones most often met at a counter
into Chinese (an unknown one is shown as written, after a Chinese lead-in),
and :func:`field_label` turns the path into the labels of the inputs class.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import attrs

from mediation import (
    AuthorizationError,
    CalendarError,
    CaseNotFoundError,
    ConcurrentUpdateError,
    DocumentRenderError,
    MediationError,
    PersistenceError,
    RuleRejectedError,
    TransitionNotAllowedError,
    ValidationError,
)
from mediation.web.forms import resolved_fields

__all__ = ["CONFLICT", "INTAKE_LABELS", "describe", "field_label", "rule_zh", "status_of"]

CONFLICT = "案件已被他人修改，请刷新"
"""What the second of two clerks acting on one case at once is told."""

INTAKE_LABELS: Mapping[str, str] = {
    "workflow": "办理流程",
    "kind": "事项类型",
    "channel": "受理渠道",
    "category": "纠纷类别",
    "summary": "纠纷简要情况",
    "unit": "受理单位",
    "claims": "当事人请求",
    "amount": "涉及金额",
    "location": "纠纷发生地",
    "risk": "激化风险",
    "parties": "当事人",
    "name": "姓名或名称",
    "role": "身份",
    "id_number": "公民身份号码",
    "org_code": "统一社会信用代码",
    "phone": "联系电话",
    "address": "住址或住所",
    "agent_of": "被代理人",
    "details": "补充信息",
    "at": "办理时间",
    "login": "登录名",
    "password": "密码",
    "roles": "角色",
    "url": "推送地址",
    "deadline": "期限",
    "units": "单位",
}
"""Labels of the fields of a registration and of the app's own forms."""

_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"required input missing: .*", "必须填写"),
        (r"must not be empty|an agreed term must not be empty", "不能为空"),
        (r"must be text|text is needed.*", "须填写文字"),
        (r"not an input of this step.*", "不是这一步的填写项"),
        (r"unknown unit \(not in the org tree\)", "没有这个单位"),
        (r"not a valid resident ID.*", "公民身份号码无效（不符合 GB 11643 校验规则）"),
        (r"not a valid unified social credit code.*", "统一社会信用代码无效（GB 32100）"),
        (r"not a phone number", "电话号码格式不正确"),
        (r"unknown category;.*", "没有这个纠纷类别"),
        (r"unknown track;.*", "没有这个调解途径"),
        (r"unknown level;.*", "没有这个层级"),
        (r"unknown channel;.*", "没有这个受理渠道"),
        (r"unknown (\w+);.*", "不在可选范围内"),
        (r"not an ISO date \(YYYY-MM-DD\)|a calendar date is needed.*", "日期格式应为“年-月-日”"),
        (r"not an ISO date-time|a date-time .*is needed", "时间格式不正确"),
        (r"naive datetimes are refused.*", "时间须带时区"),
        (r"a whole number is needed.*|a positive whole number", "须填写整数"),
        (r"true or false is needed.*", "须选择是或否"),
        (r"a list is needed", "须为多项列表"),
        (r"not a decimal (number|amount).*|give amounts as .*", "须填写数字金额"),
        (r"an amount in yuan is >= 0.*", "金额须为不小于0的数"),
        (r"a dispute needs at least one respondent.*", "矛盾纠纷须至少有一名被申请人"),
        (r"at least one applicant.*", "须至少有一名申请人"),
        (r"a case needs a list of at least one party", "须至少登记一名当事人"),
        (r"the same ID number appears twice", "同一证件号码出现了两次"),
        (r"an agent must name the party represented", "代理人须写明被代理的当事人"),
        (r"only an agent represents a party", "只有代理人填写被代理人"),
        (r"a person has no credit code", "自然人没有统一社会信用代码"),
        (r"an organisation has no resident ID", "组织没有公民身份号码"),
        (r"names no party of the case", "不是本案的当事人"),
        (r"is ambiguous: give the id", "有重名，请写当事人编号"),
        (r"the agreed performance date is already past", "约定的履行期限已经过去"),
        (r"a step cannot be dated before.*", "办理时间不能早于本案上一步的时间"),
        (r"already issued as (.+)", lambda m: f"已出具，文书编号为{m.group(1)}"),
        (r"the engine allocates the number", "文书编号由系统分配"),
        (r"contains the control or direction character.*", "含有不允许的控制字符"),
        (r"longer than .* characters", "内容过长"),
        (r"the unit was merged into \S+ \((.+)\)", lambda m: f"该单位已并入{m.group(1)}"),
        (r"a (date|time) between .*", "日期超出可接受的范围"),
        (r"state the request, facts and reasons.*", "须写明请求、事实和理由"),
        (r"no party of this case has that id", "本案没有这个当事人"),
        (r"no such (deadline|clock) on this case", "本案没有这个期限"),
        (r"only an open clock can be extended", "只能延长未届满的期限"),
        (r"state why the clock is extended", "须写明延长理由"),
        (r"unknown document kind", "没有这种文书"),
        (r"not a document of workflow.*", "不是本案流程使用的文书"),
        (r"a division code has exactly 12 digits", "区划代码应为12位数字"),
        (r"one of (.+)", lambda m: f"须为以下之一：{m.group(1)}"),
    )
)


def rule_zh(rule: str) -> str:
    """The rule of a validation error in Chinese (as written when it is Chinese already)."""
    text = rule.strip()
    if re.search(r"[\u4e00-\u9fff]", text) and not re.match(r"[A-Za-z]", text):
        return text
    for pattern, zh in _RULES:
        found = pattern.fullmatch(text)
        if found is not None:
            return zh if isinstance(zh, str) else zh(found)
    return f"不符合要求（{text}）"


_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")


def field_label(path: str, inputs: type | None = None) -> str:
    """The Chinese name of a field path, e.g. ``agreement.signatures[0].party`` →
    ``调解协议 › 签名、盖章 第1项 › 当事人``.

    Labels come from the inputs class (``mediation.rules.base.field``
    metadata), and for a registration from :data:`INTAKE_LABELS`.
    """
    names: list[str] = []
    cls = inputs
    for part in path.split("."):
        found = _STEP.fullmatch(part)
        if found is None:
            names.append(part)
            cls = None
            continue
        name, index = found.group(1), found.group(2)
        label = INTAKE_LABELS.get(name, name)
        next_cls: type | None = None
        if cls is not None and attrs.has(cls):
            for spec in resolved_fields(cls):
                if spec.name == name:
                    label = spec.label
                    next_cls = spec.item_class or spec.group_class
        names.append(label if index is None else f"{label} 第{int(index) + 1}项")
        cls = next_cls
    return " › ".join(names)


def describe(exc: MediationError, inputs: type | None = None) -> str:
    """One Chinese sentence for an error of the library (never a traceback)."""
    if isinstance(exc, ValidationError):
        basis = f"（{exc.basis}）" if exc.basis else ""
        return f"“{field_label(exc.field, inputs)}”：{rule_zh(exc.rule)}{basis}"
    if isinstance(exc, RuleRejectedError):
        basis = f"（依据：{exc.basis}）" if exc.basis else ""
        return f"{rule_zh(exc.reason)}{basis}"
    if isinstance(exc, AuthorizationError):
        return f"无权进行此操作：{rule_zh(exc.reason)}"
    if isinstance(exc, TransitionNotAllowedError):
        return "案件当前状态下不能进行这一步"
    if isinstance(exc, ConcurrentUpdateError):
        return CONFLICT
    if isinstance(exc, CaseNotFoundError):
        return "没有找到这个案件"
    if isinstance(exc, CalendarError):
        return f"日历数据不足，无法计算期限：{exc}"
    if isinstance(exc, DocumentRenderError):
        return f"文书生成失败：{exc}"
    if isinstance(exc, PersistenceError):
        return "数据库暂时无法完成操作，请稍后再试"
    return "操作未能完成"


def status_of(exc: MediationError) -> int:
    """The HTTP status an error of the library answers with."""
    if isinstance(exc, AuthorizationError):
        return 403
    if isinstance(exc, CaseNotFoundError):
        return 404
    if isinstance(exc, ConcurrentUpdateError):
        return 409
    if isinstance(exc, ValidationError | RuleRejectedError | TransitionNotAllowedError):
        return 422
    if isinstance(exc, PersistenceError):
        return 503
    return 500
