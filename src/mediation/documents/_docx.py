"""DOCX output: the HTML rendering of a document laid out again with python-docx.

Every kind gets a Word file from its HTML template, so adding a kind needs no
Word template. The converter understands the small HTML vocabulary the
document templates use: ``h1``-``h3``, ``p`` and ``div`` (classes ``center``,
``right``, ``indent``, ``sign``), ``table``/``tr``/``th``/``td`` (with
``colspan``), ``ul``/``ol``/``li``, ``strong``/``b``, ``br``; ``head``,
``style`` and ``script`` are skipped, other tags are transparent. Text is
unescaped by the HTML parser and escaped again by python-docx (lxml) when the
XML is written; characters XML 1.0 cannot hold (control characters, lone
surrogates) are dropped. python-docx is imported lazily (extra ``docx``).
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

from mediation._errors import DocumentRenderError

__all__ = ["html_to_docx"]

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile("[ \t\r\n\f\v]+")  # HTML whitespace; keeps the ideographic space
_BLOCKS = frozenset({"h1", "h2", "h3", "p", "div", "li", "tr", "table", "ul", "ol", "section"})
_SKIP = frozenset({"head", "style", "script", "title"})
_FONT = "宋体"


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


class _Builder(HTMLParser):
    """Walk the HTML and emit python-docx paragraphs and tables."""

    def __init__(self, document: Any, docx: Any) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = document
        self.docx = docx
        self.paragraph: Any = None
        self.container: Any = document
        self.block: list[tuple[str, set[str]]] = []
        self.bold = 0
        self.skip = 0
        self.table: Any = None
        self.rows: list[list[_PendingCell]] = []
        self.row: list[_PendingCell] | None = None
        self.cell: _PendingCell | None = None
        self.list_kind: list[str] = []
        self.counters: list[int] = []

    # -- paragraphs -------------------------------------------------------------

    def _new_paragraph(self, tag: str, classes: set[str]) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph = self.container.add_paragraph()
        if tag == "h1" or "center" in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif "right" in classes or "sign" in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if "indent" in classes:
            paragraph.paragraph_format.first_line_indent = Pt(24)
        if tag == "li" and self.list_kind:
            self.counters[-1] += 1
            marker = f"{self.counters[-1]}. " if self.list_kind[-1] == "ol" else "· "
            paragraph.add_run(marker)
        self.paragraph = paragraph
        self.block.append((tag, classes))

    def _text(self, text: str) -> None:
        from docx.shared import Pt

        if self.paragraph is None:
            if not text.strip():
                return
            self._new_paragraph("p", set())
        assert self.paragraph is not None
        if not self.paragraph.text:
            text = text.lstrip()
        if not text:
            return
        run = self.paragraph.add_run(_clean(text))
        tag = self.block[-1][0] if self.block else "p"
        if self.bold or tag in ("h1", "h2", "h3", "th"):
            run.bold = True
        if tag == "h1":
            run.font.size = Pt(18)
        elif tag in ("h2", "h3"):
            run.font.size = Pt(14)

    # -- parser callbacks -------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if self.cell is not None and tag in _BLOCKS | {"br"}:
            self.cell.add("\n", False)
            return
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag == "br":
            if self.paragraph is not None:
                self.paragraph.add_run().add_break()
        elif tag == "table":
            self.paragraph = None
            self.table = self.container.add_table(rows=0, cols=0)
            self.table.style = "Table Grid"
            self.rows = []
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self._start_cell(tag, attributes, classes)
        elif tag in ("ul", "ol"):
            self.list_kind.append(tag)
            self.counters.append(0)
        elif tag in ("h1", "h2", "h3", "p", "div", "li", "section"):
            self._new_paragraph(tag, classes)

    def _start_cell(self, tag: str, attributes: dict[str, str | None], classes: set[str]) -> None:
        if self.table is None or self.row is None:
            return
        span = attributes.get("colspan") or "1"
        width = int(span) if span.isdigit() and 0 < int(span) <= 20 else 1
        self.cell = _PendingCell(tag, width, classes)
        self.row.append(self.cell)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if tag in ("strong", "b"):
            self.bold = max(self.bold - 1, 0)
        elif self.cell is not None and tag not in ("td", "th", "tr", "table"):
            return
        elif tag in ("td", "th"):
            self.cell = None
        elif tag == "tr":
            if self.row is not None and self.table is not None:
                self.rows.append(self.row)
            self.row = None
        elif tag == "table":
            self._emit_table()
        elif tag in ("ul", "ol") and self.list_kind:
            self.list_kind.pop()
            self.counters.pop()
        elif tag in _BLOCKS:
            while self.block:
                opened, _ = self.block.pop()
                if opened == tag:
                    break
            self.paragraph = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = _SPACE.sub(" ", data)
        if self.cell is not None:
            self.cell.add(text, bool(self.bold))
            return
        if self.table is not None and self.row is not None:
            return
        self._text(text)

    # -- tables -----------------------------------------------------------------

    def _emit_table(self) -> None:
        rows = self.rows
        table = self.table
        self.table = None
        self.paragraph = None
        if table is None or not rows:
            return
        cols = max(sum(cell.width for cell in row) for row in rows)
        for _ in range(cols):
            table.add_column(self.docx.shared.Cm(16 / cols))
        for row in rows:
            cells = table.add_row().cells
            col = 0
            for cell in row:
                if col >= cols:
                    break
                target = cells[col]
                end = min(col + cell.width, cols) - 1
                if end > col:
                    target = target.merge(cells[end])
                _fill_cell(target, cell)
                col = end + 1


class _PendingCell:
    """The runs of one table cell, kept until the table's width is known."""

    def __init__(self, tag: str, width: int, classes: set[str]) -> None:
        self.tag, self.width, self.classes = tag, width, classes
        self.runs: list[tuple[str, bool]] = []

    def add(self, text: str, bold: bool) -> None:
        self.runs.append((text, bold))


def _fill_cell(cell: Any, pending: _PendingCell) -> None:
    """Write a cell's runs; a block boundary inside the cell starts a new paragraph."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    center = "center" in pending.classes or pending.tag == "th"
    paragraph = cell.paragraphs[0]
    lines: list[list[tuple[str, bool]]] = [[]]
    for text, bold in pending.runs:
        if text == "\n":
            lines.append([])
        else:
            lines[-1].append((text, bold))
    lines = [line for line in lines if "".join(t for t, _ in line).strip()] or [[]]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line[0:1] = [(line[0][0].lstrip(), line[0][1])] if line else []
        if line:
            line[-1] = (line[-1][0].rstrip(), line[-1][1])
        for text, bold in line:
            if text:
                run = paragraph.add_run(_clean(text))
                run.bold = bold or pending.tag == "th"


def html_to_docx(html: str, title: str) -> bytes:
    """Lay ``html`` (a document's HTML rendering) out as a Word file.

    Raises:
        DocumentRenderError: python-docx is not installed (``pip install mediation[docx]``).
    """
    try:
        import docx
        import docx.shared
        from docx.oxml.ns import qn
    except ImportError as exc:
        raise DocumentRenderError(
            "DOCX output needs python-docx: pip install mediation[docx]"
        ) from exc
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = docx.shared.Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    document.core_properties.title = _clean(title)
    builder = _Builder(document, docx)
    builder.feed(html)
    builder.close()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
