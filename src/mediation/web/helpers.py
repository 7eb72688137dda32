"""Filters and functions the app's templates use (labels, dates, warning colours)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment

from mediation import Case, Deadline, Engine, MediationError, Role
from mediation.model import CHINA_TZ
from mediation.rules import deadlines
from mediation.web.forms import PEOPLE_HINTS, SELECT_HINTS, count_rows, resolved_fields
from mediation.web.service import case_warning, warning_of

__all__ = ["install"]

_ENGINE_STEPS = {
    "intake": "受理登记",
    "extend_deadline": "延长期限",
    "supervise": "督办",
    "issue_document": "出具文书",
    "migrate_workflow": "迁移流程版本",
    "recount_clocks": "按新日历重算期限",
}
"""Labels of the engine's own steps in a timeline (their events name them by value)."""


def install(env: Environment, engine: Engine) -> None:
    """Add the app's filters and globals to ``env``."""

    def when(value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return value.astimezone(engine.policy.tz).strftime("%Y-%m-%d %H:%M")

    def day(value: dt.date | None) -> str:
        return "" if value is None else value.isoformat()

    def definition_of(case: Case) -> Any:
        return engine.definition(case.workflow, case.workflow_version)

    def state_label(case: Case) -> str:
        return str(definition_of(case).label_of(case.state))

    def step_label(case: Case, name: str) -> str:
        label = str(definition_of(case).label_of(name))
        return _ENGINE_STEPS.get(name, label) if label == name else label

    def unit_name(unit_id: str | None) -> str:
        org = engine.org
        if unit_id is None:
            return ""
        if org is not None and unit_id in org:
            return org.get(unit_id).name
        return unit_id

    def category_label(code: str) -> str:
        found = engine.policy.categories.get(code)
        return found.label if found is not None else code

    def channel_label(code: str) -> str:
        return engine.policy.channels.label(code)

    def level_label(code: str | None) -> str:
        if code is None:
            return ""
        try:
            return engine.policy.ladder.label(code)
        except MediationError:
            return code

    def clock_name(period: str) -> str:
        try:
            return str(engine.clocks.rule(period).name_zh)
        except MediationError:
            return period

    def clock_basis(period: str) -> str:
        try:
            return str(engine.clocks.rule(period).basis)
        except MediationError:
            return ""

    def role_label(code: str) -> str:
        try:
            return Role(code).label
        except ValueError:
            return code

    def case_level(case: Case, now: dt.datetime) -> tuple[str, str, Deadline | None]:
        level, deadline = case_warning(engine, case, now)
        return level.value, level.label, deadline

    def clock_level(case: Case, deadline: Deadline, now: dt.datetime) -> tuple[str, str]:
        if not deadline.is_open:
            return "done", deadlines.status_text(case, deadline)
        level = warning_of(engine, deadline, now)
        return level.value, level.label

    def party_names(case: Case) -> str:
        return "、".join(p.name for p in case.principals)

    def value_of(values: Mapping[str, Any], name: str, default: str = "") -> Any:
        found = values.get(name, default)
        return default if found is None else found

    env.filters.update(when=when, day=day)
    env.globals.update(
        definition_of=definition_of,
        state_label=state_label,
        step_label=step_label,
        unit_name=unit_name,
        category_label=category_label,
        channel_label=channel_label,
        level_label=level_label,
        clock_name=clock_name,
        clock_basis=clock_basis,
        role_label=role_label,
        case_level=case_level,
        clock_level=clock_level,
        party_names=party_names,
        fields_of=resolved_fields,
        count_rows=count_rows,
        value_of=value_of,
        china_tz=CHINA_TZ,
        select_hints=SELECT_HINTS,
        people_hints=PEOPLE_HINTS,
    )
