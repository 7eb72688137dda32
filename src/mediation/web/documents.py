"""文书: issue a case's documents under their numbers, download them as DOCX or PDF, print them.

The documents are the library's official forms (:meth:`mediation.Engine.render`);
the print view shows the document's own HTML (A4 print styles included) in a
frame, with the app's toolbar around it hidden when printing.
"""

from __future__ import annotations

from urllib.parse import quote

import attrs
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from mediation import Case, MediationError, WorkflowDefinition
from mediation.web.app import WebApp
from mediation.web.context import Ctx, WebError
from mediation.web.messages import describe

__all__ = ["DocumentRow", "listing", "routes"]

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)
"""The rendered forms carry their own inline styles and nothing else."""


@attrs.frozen(slots=True)
class DocumentRow:
    """One document kind of a case's workflow.

    Attributes:
        kind: The kind.
        title: Its title.
        basis: The legal source it rests on.
        number: The number it was issued under (``None``: not issued yet).
    """

    kind: str
    title: str
    basis: str
    number: str | None


def listing(ctx: Ctx, case: Case, definition: WorkflowDefinition) -> list[DocumentRow]:
    """The documents of the case's workflow, in the order of the case's course."""
    kinds = {k.kind: k for k in ctx.engine.documents.kinds()}
    out = []
    for kind in sorted(definition.documents, key=lambda k: kinds[k].order if k in kinds else 999):
        known = kinds.get(kind)
        out.append(
            DocumentRow(
                kind,
                known.title if known is not None else kind,
                known.basis if known is not None else "",
                case.document_number(kind),
            )
        )
    return out


def _case(ctx: Ctx) -> tuple[Case, WorkflowDefinition]:
    from mediation.web.views_cases import load_case

    case = load_case(ctx, ctx.param("case_id"))
    return case, ctx.engine.definition(case.workflow, case.workflow_version)


def _kind(ctx: Ctx, definition: WorkflowDefinition) -> str:
    kind = ctx.param("kind")
    if kind not in definition.documents:
        raise WebError(404, "本案流程没有这种文书")
    return kind


def documents_page(ctx: Ctx, *, status: int = 200, message: str | None = None) -> Response:
    """文书: the case's documents with issue, print and download."""
    case, definition = _case(ctx)
    return ctx.render(
        "documents.html",
        status,
        case=case,
        definition=definition,
        documents=listing(ctx, case, definition),
        message=message,
    )


def issue_post(ctx: Ctx) -> Response:
    """Issue a document under its number (an audited step; once per kind)."""
    case, definition = _case(ctx)
    kind = _kind(ctx, definition)
    try:
        number = ctx.engine.issue_document(case.id, kind, actor=ctx.actor)
    except MediationError as exc:
        return documents_page(ctx, status=422, message=f"出具文书未能完成：{describe(exc)}")
    return ctx.redirect(f"/cases/{case.id}/documents", f"已出具，文书编号：{number}")


def download(ctx: Ctx) -> Response:
    """The document as DOCX, PDF, or its HTML (for the print frame)."""
    case, definition = _case(ctx)
    kind = _kind(ctx, definition)
    fmt = ctx.param("format")
    if fmt not in ("docx", "pdf", "html"):
        raise WebError(404, "没有这种格式")
    try:
        rendered = ctx.engine.render(case.id, kind, format=fmt, actor=ctx.actor)
    except MediationError as exc:
        if fmt == "html":
            return HTMLResponse(
                f"<!doctype html><meta charset=utf-8><p>{_escape(describe(exc))}</p>",
                status_code=422,
                headers={"Content-Security-Policy": DOCUMENT_CSP},
            )
        return documents_page(ctx, status=422, message=f"文书生成失败：{describe(exc)}")
    if isinstance(rendered, str):
        return HTMLResponse(rendered, headers={"Content-Security-Policy": DOCUMENT_CSP})
    titles = {k.kind: k.title for k in ctx.engine.documents.kinds()}
    filename = f"{titles.get(kind, kind)}-{case.code}.{fmt}"
    return Response(
        rendered,
        media_type=MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{kind}.{fmt}"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def print_page(ctx: Ctx) -> Response:
    """The print view: the document in a frame, a toolbar around it."""
    case, definition = _case(ctx)
    kind = _kind(ctx, definition)
    titles = {k.kind: k.title for k in ctx.engine.documents.kinds()}
    return ctx.render(
        "print.html",
        case=case,
        kind=kind,
        title=titles.get(kind, kind),
        number=case.document_number(kind),
    )


def routes(web: WebApp) -> list[Route]:
    """The documents' routes."""
    return [
        Route("/cases/{case_id}/documents", web.page(documents_page), methods=["GET"]),
        Route("/cases/{case_id}/documents/{kind}/issue", web.page(issue_post), methods=["POST"]),
        Route("/cases/{case_id}/documents/{kind}/print", web.page(print_page), methods=["GET"]),
        Route("/cases/{case_id}/documents/{kind}.{format}", web.page(download), methods=["GET"]),
    ]
