"""工作台, 案件列表, 受理登记 and 案件详情 (with a form for every step), for any workflow."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from mediation import (
    AuthorizationError,
    Case,
    CaseNotFoundError,
    ConcurrentUpdateError,
    MediationError,
    PartyKind,
    PartyRole,
    Risk,
    Role,
    TriggerOption,
    ValidationError,
    WorkflowDefinition,
)
from mediation.web import documents, queries
from mediation.web.app import WebApp
from mediation.web.context import Ctx, WebError
from mediation.web.diagram import state_diagram
from mediation.web.forms import FormData, form_values, parse_form, prefill
from mediation.web.messages import CONFLICT, describe, field_label
from mediation.web.service import fire_checked, registration_from_data, steps_of

__all__ = ["load_case", "routes"]

_HANDLER_ROLES = frozenset({Role.mediator.value, Role.director.value, Role.leader.value})


def load_case(ctx: Ctx, case_id: str) -> Case:
    """The case, if the signed-in user may see it; otherwise "not found" (never "forbidden":
    who may not see a case learns nothing of it)."""
    try:
        return ctx.engine.get(case_id, actor=ctx.actor)
    except (CaseNotFoundError, AuthorizationError):
        raise WebError(404, "没有找到这个案件（或您无权查看）") from None


def _form_path(name: str) -> str:
    """A form field's name (``a.b.2.c``, ``m[]``) as a field path (``a.b[2].c``, ``m``)."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", name.removesuffix("[]"))


def _form_name(path: str) -> str:
    """A field path of an error (``a.b[2].c``) as the form names it (``a.b.2.c``)."""
    return re.sub(r"\[(\d+)\]", r".\1", path)


def hints(ctx: Ctx, case: Case, definition: WorkflowDefinition) -> dict[str, list[tuple[str, str]]]:
    """Choices for text inputs whose name says what they hold (a presentation aid only:
    the engine checks every value)."""
    engine, org = ctx.engine, ctx.engine.org
    policy = engine.policy
    kinds = {k.kind: k.title for k in engine.documents.kinds()}
    out: dict[str, list[tuple[str, str]]] = {
        "track": [(code, t.label) for code, t in policy.tracks.items()],
        "level": [(lv.name, lv.label) for lv in policy.ladder.levels],
        "kind": [(k, kinds.get(k, k)) for k in definition.documents],
        "deadline": [
            (d.id, f"{_clock_name(ctx, d.period)}（届满 {d.due.isoformat()}）")
            for d in case.open_deadlines
        ],
        "party": [(p.id, f"{p.name}（{p.role.label}）") for p in case.parties],
        "party_names": [(p.name, p.role.label) for p in case.principals],
    }
    people: list[tuple[str, str]] = []
    if org is not None:
        out["unit"] = [(u.id, u.name) for u in org.find()]
        near = set(org.ancestors(case.unit)) | {u.id for u in org if org.within(u.id, case.unit)}
        for user in ctx.store.users(sorted(near)):
            if user.active and (user.roles & _HANDLER_ROLES or Role.admin.value in user.roles):
                people.append((user.login, f"{user.name}（{user.role_labels}）"))
        out["signer"] = [(name, "") for _, name in people] + [(org.get(case.unit).name, "调委会")]
    out["people"] = people
    return out


def _clock_name(ctx: Ctx, period: str) -> str:
    try:
        return str(ctx.engine.clocks.rule(period).name_zh)
    except MediationError:
        return period


def case_page(
    ctx: Ctx,
    case: Case | None = None,
    *,
    status: int = 200,
    open_step: str | None = None,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    message: str | None = None,
    conflict: bool = False,
    inputs: type | None = None,
) -> Response:
    """案件详情: parties, timeline, diagram, clocks with "why this date", steps.

    After a conflict or a refusal, ``values`` (what was typed) fill the form of
    ``open_step`` again; if that step is no longer possible, they are listed
    (labelled from ``inputs``) so that nothing typed is lost.
    """
    engine, actor = ctx.engine, ctx.actor
    if case is None:
        case = load_case(ctx, ctx.param("case_id"))
    definition = engine.definition(case.workflow, case.workflow_version)
    steps = steps_of(engine, case, actor)
    reachable = frozenset(
        t.dest.value
        for s in steps
        if s.allowed and not s.step
        for t in definition.by_trigger(s.name)
        if case.state in {src.value for src in t.source}
    )
    clocks = []
    for d in case.deadlines:
        try:
            why: Any = engine.explain(case.id, d.id, actor=actor)
        except ValidationError:
            why = None  # a date the parties agreed: nothing computed
        clocks.append((d, why))
    names = {u.login: u.name for u in ctx.store.users()}
    related = engine.related(case.id, actor=actor)
    open_name = open_step or ctx.query("step")
    start: dict[str, Any] = {}
    for s in steps:
        start[s.name] = (
            dict(values)
            if values is not None and s.name == open_name
            else prefill(s.inputs, ctx.now)
        )
    kept: list[tuple[str, str]] = []
    if values is not None and open_name is not None and open_name not in start:
        for key, value in values.items():
            if key in ("version", "return_to") or not value:
                continue
            text = value if isinstance(value, str) else "、".join(str(v) for v in value)
            kept.append((field_label(_form_path(key), inputs), text))
    return ctx.render(
        "case.html",
        status,
        kept=kept,
        case=case,
        definition=definition,
        steps=steps,
        diagram=state_diagram(definition, case.state, reachable),
        history=engine.history(case.id, actor=actor),
        clocks=clocks,
        names=names,
        related=related,
        open_step=open_name,
        values=start,
        errors=errors or {},
        message=message,
        conflict=conflict,
        hints=hints(ctx, case, definition),
        closed=definition.is_closed(case.state),
        documents=documents.listing(ctx, case, definition),
    )


def _option(ctx: Ctx, case: Case, name: str) -> TriggerOption:
    for option in ctx.engine.available_triggers(case.id, ctx.actor):
        if option.trigger == name:
            return option
    raise WebError(404, "没有这一步")


def _return_to(ctx: Ctx, default: str) -> str:
    target = ctx.field("return_to")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return default


def step_post(ctx: Ctx) -> Response:
    """Take a step; a conflict, a refusal or a bad input comes back with the input kept."""
    case = load_case(ctx, ctx.param("case_id"))
    name = ctx.param("name")
    option = _option(ctx, case, name)
    assert ctx.form is not None
    data = parse_form(option.inputs, ctx.form, tz=ctx.engine.policy.tz, now=ctx.now)
    kept = form_values(ctx.form)
    try:
        version: int | None = int(ctx.field("version"))
    except ValueError:
        version = None
    try:
        fire_checked(
            ctx.engine, case.id, name, actor=ctx.actor, data=data, expected_version=version
        )
    except ConcurrentUpdateError:
        fresh = load_case(ctx, case.id)
        return case_page(
            ctx,
            fresh,
            status=409,
            open_step=name,
            values=kept,
            message=CONFLICT,
            conflict=True,
            inputs=option.inputs,
        )
    except ValidationError as exc:
        message = describe(exc, option.inputs)
        return case_page(
            ctx,
            load_case(ctx, case.id),
            status=422,
            open_step=name,
            values=kept,
            errors={_form_name(exc.field): message},
            message=message,
            inputs=option.inputs,
        )
    except MediationError as exc:
        status = 403 if isinstance(exc, AuthorizationError) else 422
        return case_page(
            ctx,
            load_case(ctx, case.id),
            status=status,
            open_step=name,
            values=kept,
            message=f"“{option.label}”未能完成：{describe(exc, option.inputs)}",
            inputs=option.inputs,
        )
    target = _return_to(ctx, f"/cases/{case.id}#timeline")
    return ctx.redirect(target, f"已完成：{option.label}")


# -- 工作台 and 案件列表 ------------------------------------------------------------------


def dashboard_page(ctx: Ctx) -> Response:
    """工作台."""
    board = queries.dashboard(ctx.engine, ctx.actor, ctx.now)
    names = {u.login: u.name for u in ctx.store.users()}
    people: list[tuple[str, str]] = []
    if ctx.actor.unit is not None and ctx.engine.org is not None:
        org = ctx.engine.org
        units = [u.id for u in org if org.within(u.id, ctx.actor.unit)]
        people = [
            (u.login, f"{u.name}（{u.role_labels}）")
            for u in ctx.store.users(units)
            if u.active and u.roles & _HANDLER_ROLES
        ]
    return ctx.render("dashboard.html", board=board, names=names, people=people)


def list_page(ctx: Ctx) -> Response:
    """案件列表: filters and a page of cases."""
    try:
        page = max(0, int(ctx.query("page") or 0))
    except ValueError:
        page = 0
    filters = {
        "state": ctx.query("state"),
        "category": ctx.query("category"),
        "unit": ctx.query("unit"),
        "workflow": ctx.query("workflow"),
        "clock": ctx.query("clock"),
        "party": ctx.query("q"),
    }
    found = queries.case_list(
        ctx.engine,
        ctx.actor,
        now=ctx.now,
        page=page,
        size=ctx.web.config.page_size,
        after=ctx.query("after"),
        before=ctx.query("before"),
        **filters,
    )
    org = ctx.engine.org
    # The units the user's unit oversees: a line superior filters by its line's organs too.
    units = (
        [u for u in org if ctx.actor.unit is not None and org.oversees(ctx.actor.unit, u.id)]
        if org is not None
        else []
    )
    states: dict[str, str] = {}
    for d in ctx.engine.workflows():
        for s in d.states:
            states.setdefault(s.value, str(getattr(s, "label", s.value)))
    paging = ("page", "after", "before")
    query = {k: v for k, v in ctx.request.query_params.items() if k not in paging and v}
    return ctx.render(
        "cases.html",
        found=found,
        filters=filters,
        q=ctx.query("q") or "",
        units=units,
        states=sorted(states.items()),
        categories=[(c, cat.label) for c, cat in ctx.engine.policy.categories.items()],
        clocks=[(k, v.label) for k, v in queries.CLOCK_LEVELS.items()],
        query=query,
        name_scan=queries.NAME_SCAN,
    )


# -- 受理登记 ---------------------------------------------------------------------------

_PARTY_FIELDS = ("kind", "name", "role", "id_number", "phone", "address", "agent_of")


def _intake_workflow(ctx: Ctx, name: str | None) -> WorkflowDefinition:
    try:
        return ctx.engine.definition(name or "dispute")
    except ValidationError:
        return ctx.engine.workflows()[0]


def _workflows(ctx: Ctx) -> list[WorkflowDefinition]:
    latest: dict[str, WorkflowDefinition] = {}
    for d in ctx.engine.workflows():
        if d.name not in latest or d.version > latest[d.name].version:
            latest[d.name] = d
    return sorted(latest.values(), key=lambda d: d.name)


def intake_page(
    ctx: Ctx,
    *,
    status: int = 200,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    message: str | None = None,
    related: Sequence[Any] = (),
    rows: int | None = None,
) -> Response:
    """受理登记: the registration form (parties in rows), for the workflow chosen."""
    chosen = (values or {}).get("workflow") or ctx.query("workflow")
    definition = _intake_workflow(ctx, chosen if isinstance(chosen, str) else None)
    org = ctx.engine.org
    unit = ctx.actor.unit
    units = [
        u
        for u in (org.find() if org is not None else ())
        if unit and org and org.within(u.id, unit)
    ]
    start: dict[str, Any] = {
        "workflow": definition.name,
        "unit": unit or "",
        "channel": "walk_in",
        "risk": "low",
        "parties.0.role": "applicant",
        "parties.1.role": "respondent",
    }
    start.update(prefill(definition.intake_inputs, ctx.now, "details."))
    if values is not None:
        start = dict(values)
    party_rows = rows or max(2, _party_rows(start))
    return ctx.render(
        "intake.html",
        status,
        definition=definition,
        workflows=_workflows(ctx),
        values=start,
        errors=errors or {},
        message=message,
        related=related,
        party_rows=party_rows,
        units=units,
        channels=list(ctx.engine.policy.channels.items()),
        categories=[(c, cat.label) for c, cat in ctx.engine.policy.categories.items()],
        risks=[(r.value, r.label) for r in Risk],
        party_kinds=[(k.value, k.label) for k in PartyKind],
        party_roles=[(r.value, r.label) for r in PartyRole],
        hints={},
    )


def _party_rows(values: Mapping[str, Any]) -> int:
    found = [int(m.group(1)) for k in values if (m := re.match(r"parties\.(\d+)\.", k))]
    return max(found) + 1 if found else 0


def _registration_data(form: FormData, definition: WorkflowDefinition) -> dict[str, Any]:
    parties = []
    for i in range(_party_rows(form_values(form))):
        row = {f: (form.get(f"parties.{i}.{f}") or "").strip() for f in _PARTY_FIELDS}
        if not any(row[f] for f in ("name", "id_number", "phone", "address")):
            continue
        party: dict[str, Any] = {k: v for k, v in row.items() if v}
        if party.get("kind") == "organisation" and "id_number" in party:
            party["org_code"] = party.pop("id_number")
        parties.append(party)
    return {
        "workflow": definition.name,
        "channel": form.get("channel") or "",
        "category": form.get("category") or "",
        "unit": form.get("unit") or "",
        "summary": form.get("summary") or "",
        "claims": form.get("claims") or "",
        "amount": (form.get("amount") or "").strip() or None,
        "location": form.get("location") or "",
        "risk": form.get("risk") or "low",
        "parties": parties,
        "details": parse_form(definition.intake_inputs, form, "details."),
    }


def intake_post(ctx: Ctx) -> Response:
    """Register a case; duplicates found by the engine are shown first, to confirm."""
    assert ctx.form is not None
    kept = form_values(ctx.form)
    definition = _intake_workflow(ctx, ctx.field("workflow"))
    if ctx.field("add_party"):
        return intake_page(ctx, values=kept, rows=_party_rows(kept) + 1)
    data = _registration_data(ctx.form, definition)
    try:
        registration = registration_from_data(data, ctx.actor.unit)
        if not ctx.field("confirm_duplicates"):
            related = registration.related(ctx.engine, ctx.actor)
            if related:
                return intake_page(
                    ctx,
                    status=409,
                    values=kept,
                    related=related,
                    message="发现可能重复或相关的案件，请核对后再登记",
                )
        case = registration.register(ctx.engine, ctx.actor)
    except ValidationError as exc:
        field = exc.field
        if field.endswith(".org_code"):
            field = field.removesuffix(".org_code") + ".id_number"
        inputs = definition.intake_inputs if field.startswith("details.") else None
        message = describe(exc)
        if inputs is not None:
            label = field_label(field.removeprefix("details."), inputs)
            message = f"“{label}”：{describe(exc).split('：', 1)[-1]}"
        return intake_page(
            ctx, status=422, values=kept, errors={_form_name(field): message}, message=message
        )
    except MediationError as exc:
        return intake_page(ctx, status=422, values=kept, message=describe(exc))
    return ctx.redirect(f"/cases/{case.id}", f"已登记：{case.code}")


def routes(web: WebApp) -> list[Route]:
    """The routes of this module (and of the documents pages)."""
    return [
        Route("/", web.page(dashboard_page), methods=["GET"]),
        Route("/cases", web.page(list_page), methods=["GET"]),
        Route("/cases/new", web.page(intake_page), methods=["GET"]),
        Route("/cases/new", web.page(intake_post), methods=["POST"]),
        Route("/cases/{case_id}", web.page(case_page), methods=["GET"]),
        Route("/cases/{case_id}/steps/{name}", web.page(step_post), methods=["POST"]),
        *documents.routes(web),
    ]
