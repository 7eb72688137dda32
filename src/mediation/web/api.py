"""The JSON API (``/api/v1``) for systems not written in Python, with its OpenAPI document.

Every request carries a system account's token (``Authorization: Bearer
mdt_…``, made with ``mediation token add``); the account is an engine actor
with roles and a unit, so the engine's authorization and data scope apply
exactly as on the pages. A case another unit owns answers 404, as one that
does not exist. The request schemas of the steps come from their typed
inputs (:func:`mediation.web.forms.json_schema`), so a new workflow's steps
appear in ``/api/v1/openapi.json`` without code.

Errors are ``{"error": {"code", "message", ...}}`` with the message in Chinese;
a validation error adds ``field`` (the dotted path), ``label`` and ``rule``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mediation import (
    AuthorizationError,
    Case,
    CaseNotFoundError,
    Engine,
    ValidationError,
)
from mediation.web import stats
from mediation.web.app import WebApp
from mediation.web.context import ApiCtx, WebError
from mediation.web.documents import MEDIA
from mediation.web.encode import to_json
from mediation.web.forms import json_schema
from mediation.web.openapi import openapi
from mediation.web.queries import decode_cursor, encode_cursor
from mediation.web.service import fire_checked, intake_from_data

__all__ = ["case_json", "routes"]


def _json(value: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(to_json(value), status_code=status)


def _case(ctx: ApiCtx) -> Case:
    try:
        return ctx.engine.get(ctx.param("case_id"), actor=ctx.actor)
    except (CaseNotFoundError, AuthorizationError):
        raise WebError(404, "没有找到这个案件") from None


def case_json(engine: Engine, case: Case) -> dict[str, Any]:
    """A case as the API shows it: its fields, plus the labels of its state and workflow."""
    definition = engine.definition(case.workflow, case.workflow_version)
    out: dict[str, Any] = to_json(case)
    out["state_label"] = definition.label_of(case.state)
    out["workflow_label"] = definition.label
    out["closed"] = definition.is_closed(case.state)
    return out


def _int(ctx: ApiCtx, name: str, default: int, low: int, high: int) -> int:
    raw = ctx.query(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(name, raw, "a whole number is needed") from None
    if not low <= value <= high:
        raise ValidationError(name, value, f"须在{low}到{high}之间")
    return value


def list_cases(ctx: ApiCtx) -> Response:
    """GET /cases: the cases the account may see, filtered, oldest received first, a page at
    a time.

    ``next`` is the cursor of the page after this one (``None`` on the last page): pass it
    back as ``after`` with the same filters. A cursor reads only its page however deep it
    is, and a case registered meanwhile never shifts a page; ``offset`` skips further.
    """
    raw = ctx.query("after")
    after = decode_cursor(raw)
    if raw is not None and after is None:
        raise ValidationError("after", raw, "不是本接口返回的翻页游标（next）")
    limit = _int(ctx, "limit", 50, 1, 500)
    found = ctx.engine.find(
        state=ctx.query("state"),
        category=ctx.query("category"),
        within=ctx.query("within"),
        workflow=ctx.query("workflow"),
        party_id=ctx.query("party_id"),
        limit=limit + 1,
        offset=_int(ctx, "offset", 0, 0, 10**9),
        after=after,
        actor=ctx.actor,
    )
    page = found[:limit]
    more = len(found) > limit
    return JSONResponse(
        {
            "cases": [case_json(ctx.engine, c) for c in page],
            "next": encode_cursor(page[-1]) if more else None,
        }
    )


def create_case(ctx: ApiCtx) -> Response:
    """POST /cases: register a case (受理登记)."""
    if not isinstance(ctx.body, Mapping):
        raise ValidationError("body", None, "请求体须为 JSON 对象")
    case = intake_from_data(ctx.engine, ctx.actor, ctx.body)
    response = JSONResponse(case_json(ctx.engine, case), status_code=201)
    response.headers["Location"] = f"/api/v1/cases/{quote(case.id)}"
    return response


def get_case(ctx: ApiCtx) -> Response:
    """GET /cases/{id}."""
    return JSONResponse(case_json(ctx.engine, _case(ctx)))


def history(ctx: ApiCtx) -> Response:
    """GET /cases/{id}/history: the audit log, oldest first."""
    case = _case(ctx)
    return _json({"events": ctx.engine.history(case.id, actor=ctx.actor)})


def steps(ctx: ApiCtx) -> Response:
    """GET /cases/{id}/steps: every trigger and step, whether it may be taken, its inputs."""
    case = _case(ctx)
    out = []
    for option in ctx.engine.available_triggers(case.id, ctx.actor):
        out.append(
            {
                "name": option.trigger,
                "label": option.label,
                "allowed": option.allowed,
                "needs": list(option.needs),
                "reason": option.reason,
                "basis": option.basis,
                "field": option.field,
                "step": option.step,
                "inputs": json_schema(option.inputs),
            }
        )
    return JSONResponse({"case_id": case.id, "version": case.version, "steps": out})


def fire(ctx: ApiCtx) -> Response:
    """POST /cases/{id}/steps/{name}: ``{"inputs": {...}, "expected_version": n}``."""
    case = _case(ctx)
    body = ctx.body if ctx.body is not None else {}
    if not isinstance(body, Mapping):
        raise ValidationError("body", None, "请求体须为 JSON 对象")
    unknown = sorted(set(body) - {"inputs", "expected_version"})
    if unknown:
        raise ValidationError(unknown[0], None, "not an input of this step")
    inputs = body.get("inputs") or {}
    if not isinstance(inputs, Mapping):
        raise ValidationError("inputs", inputs, "须为 JSON 对象")
    version = body.get("expected_version")
    if version is not None and type(version) is not int:
        raise ValidationError("expected_version", version, "a whole number is needed")
    new = fire_checked(
        ctx.engine,
        case.id,
        ctx.param("name"),
        actor=ctx.actor,
        data=dict(inputs),
        expected_version=version,
    )
    return JSONResponse(case_json(ctx.engine, new))


def due(ctx: ApiCtx) -> Response:
    """GET /due: overdue clocks (and, with ``warnings=true``, those in their warning window)."""
    items = ctx.engine.due(
        at=ctx.now,
        warnings=(ctx.query("warnings") or "").lower() in ("1", "true", "yes"),
        within=ctx.query("within"),
        limit=_int(ctx, "limit", 100, 1, 1000),
        actor=ctx.actor,
    )
    return _json(
        {
            "items": [
                {"case_id": i.case_id, "warning": i.warning, "hard": i.hard, "deadline": i.deadline}
                for i in items
            ]
        }
    )


def statistics(ctx: ApiCtx) -> Response:
    """GET /statistics: the figures of ``since`` … ``until`` (this year to date by default)
    and the clocks in warning now, in the account's scope (``within`` a unit's subtree)."""
    today = ctx.now.astimezone(ctx.engine.policy.tz).date()
    since, until = stats.parse_window(ctx.query("since"), ctx.query("until"), today)
    found = stats.report(
        ctx.engine, ctx.actor, ctx.now, since=since, until=until, within=ctx.query("within")
    )
    body: dict[str, Any] = to_json(found.figures)
    body["clocks"] = {level: n for level, _, n in found.clocks}
    body["clocks_capped"] = found.clocks_capped
    return JSONResponse(body)


def documents(ctx: ApiCtx) -> Response:
    """GET /cases/{id}/documents: the kinds of the case's workflow and their numbers."""
    case = _case(ctx)
    definition = ctx.engine.definition(case.workflow, case.workflow_version)
    titles = {k.kind: k.title for k in ctx.engine.documents.kinds()}
    return JSONResponse(
        {
            "documents": [
                {"kind": k, "title": titles.get(k, k), "number": case.document_number(k)}
                for k in definition.documents
            ]
        }
    )


def issue(ctx: ApiCtx) -> Response:
    """POST /cases/{id}/documents/{kind}: issue it under its number (once)."""
    case = _case(ctx)
    number = ctx.engine.issue_document(case.id, ctx.param("kind"), actor=ctx.actor)
    return JSONResponse({"kind": ctx.param("kind"), "number": number})


def render(ctx: ApiCtx) -> Response:
    """GET /cases/{id}/documents/{kind}?format=docx|pdf|html|text."""
    case = _case(ctx)
    fmt = ctx.query("format") or "docx"
    out = ctx.engine.render(case.id, ctx.param("kind"), format=fmt, actor=ctx.actor)
    if isinstance(out, bytes):
        return Response(out, media_type=MEDIA.get(fmt, "application/octet-stream"))
    media = "text/html" if fmt == "html" else "text/plain"
    return Response(out, media_type=f"{media}; charset=utf-8")


def workflows(ctx: ApiCtx) -> Response:
    """GET /workflows: the registered workflows, their states and triggers, with labels."""
    out = []
    for d in ctx.engine.workflows():
        out.append(
            {
                "name": d.name,
                "version": d.version,
                "kind": str(d.kind),
                "label": d.label,
                "initial": d.initial.value,
                "states": [
                    {
                        "value": s.value,
                        "label": str(getattr(s, "label", s.value)),
                        "closed": d.is_closed(s.value),
                    }
                    for s in d.states
                ],
                "triggers": [
                    {"value": t.value, "label": str(getattr(t, "label", t.value))}
                    for t in d.triggers
                ],
                "documents": list(d.documents),
            }
        )
    return JSONResponse({"workflows": out})


def routes(web: WebApp) -> list[Route]:
    """The API's routes under ``/api/v1``."""
    prefix = "/api/v1"

    async def openapi_public(request: Any) -> Response:
        return JSONResponse(openapi(web.engine))

    return [
        Route(f"{prefix}/openapi.json", openapi_public, methods=["GET"]),
        Route(f"{prefix}/workflows", web.api(workflows), methods=["GET"]),
        Route(f"{prefix}/cases", web.api(list_cases), methods=["GET"]),
        Route(f"{prefix}/cases", web.api(create_case), methods=["POST"]),
        Route(f"{prefix}/cases/{{case_id}}", web.api(get_case), methods=["GET"]),
        Route(f"{prefix}/cases/{{case_id}}/history", web.api(history), methods=["GET"]),
        Route(f"{prefix}/cases/{{case_id}}/steps", web.api(steps), methods=["GET"]),
        Route(f"{prefix}/cases/{{case_id}}/steps/{{name}}", web.api(fire), methods=["POST"]),
        Route(f"{prefix}/cases/{{case_id}}/documents", web.api(documents), methods=["GET"]),
        Route(f"{prefix}/cases/{{case_id}}/documents/{{kind}}", web.api(render), methods=["GET"]),
        Route(f"{prefix}/cases/{{case_id}}/documents/{{kind}}", web.api(issue), methods=["POST"]),
        Route(f"{prefix}/due", web.api(due), methods=["GET"]),
        Route(f"{prefix}/statistics", web.api(statistics), methods=["GET"]),
    ]
