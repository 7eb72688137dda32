"""DOCX and PDF: the Chinese field values land where they belong, and the CJK font embeds."""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import attrs
import docx
import pypdf
import pytest

from mediation import DocumentRenderError, ValidationError
from mediation.documents import DocumentRenderer
from mediation.documents._pdf import html_to_pdf

from .conftest import Scenario

# WeasyPrint warns when the system lacks libharfbuzz-subset; that is the host's business.
pytestmark = pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")

TERMS = (
    "王五于2026年3月15日前自行拆除或改造雨棚排水，使雨水不再排入申请人院内。",
    "王五于2026年3月20日前一次性支付张三、李梅墙体维修费人民币三千元。",
)


def _docx(data: object) -> docx.document.Document:
    assert isinstance(data, bytes)
    return docx.Document(io.BytesIO(data))


def _cells(document: docx.document.Document) -> dict[str, list[str]]:
    """Row header → the other cells' texts, over every table."""
    rows: dict[str, list[str]] = {}
    for table in document.tables:
        for row in table.rows:
            texts = [c.text for c in row.cells]
            rows.setdefault(texts[0], texts[1:])
    return rows


CJK_MISSING = "CJK font missing: apt-get install fonts-wqy-microhei"


@pytest.fixture(scope="session")
def cjk_font() -> None:
    """Checked once: without a CJK font the PDF tests skip in one line (fail in CI, which installs it)."""
    probe = "<p style=\"font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC'\">人民调解协议书</p>"
    try:
        html_to_pdf(probe)
    except DocumentRenderError as exc:
        if "fonts-wqy-microhei" not in str(exc):
            raise
    else:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CJK_MISSING} (CI must install it)", pytrace=False)
    pytest.skip(CJK_MISSING)


@pytest.fixture(scope="module")
def agreement_pdf(
    cjk_font: None, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> str:
    """The signed agreement as PDF, rendered once for the module, as extracted text."""
    data = scenarios["signed"].render(renderer, "mediation_agreement", format="pdf")
    assert isinstance(data, bytes)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages)


def test_docx_agreement_fields_in_place(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Title, case code and terms are paragraphs; party facts and signatures are table cells."""
    document = _docx(scenarios["signed"].render(renderer, "mediation_agreement", format="docx"))
    paragraphs = [p.text for p in document.paragraphs]
    assert "人民调解协议书" in paragraphs
    assert "案号：（2026）东调字第0001号" in paragraphs
    for n, term in enumerate(TERMS, 1):
        assert f"{n}. {term}" in paragraphs
    cells = _cells(document)
    assert cells["申请人"] == ["张三，男，60岁"]
    assert cells["被申请人"] == ["王五，男，67岁"]
    assert cells["履行地点"] == ["青田县东门镇东门村"]
    assert cells["王五"] == ["当事人（签名、盖章或按指印）", "已签署（2026年3月6日16时30分）"]
    assert document.core_properties.title == "人民调解协议书"


def test_docx_form_with_merged_cells(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """The registration form's cells hold the case code, the parties and the summary."""
    document = _docx(scenarios["closed"].render(renderer, "registration", format="docx"))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "案号",
        "（2026）东调字第0001号",
        "登记时间",
        "2026年3月2日9时10分",
    ]
    cells = _cells(document)
    # the registration form is not among the documents that print IDs in full (MaskingPolicy)
    assert cells["被申请人"][0].startswith("王五；公民身份号码：332522********0038")
    assert "邻居王五加装雨棚" in cells["纠纷简要情况"][0]
    assert cells["当事人请求"][0].splitlines() == [
        "1. 拆除或改造雨棚排水",
        "2. 赔偿墙体维修费3000元",
    ]


def test_docx_every_kind_opens(scenarios: dict[str, Scenario], renderer: DocumentRenderer) -> None:
    """Every kind converts to a Word file python-docx can read, with its title."""
    from .test_golden import CASES

    for kind, scenario in CASES.items():
        document = _docx(scenarios[scenario].render(renderer, kind, format="docx"))
        title = next(k.title for k in renderer.kinds() if k.kind == kind)
        if kind == "referral_slip":  # titled by direction (交办单 / 转办单 / 上报单)
            title = "矛盾纠纷交办单"
        assert title in [p.text for p in document.paragraphs]


def test_docx_escapes_word_xml(scenarios: dict[str, Scenario], renderer: DocumentRenderer) -> None:
    """Markup in party data gives valid XML with the literal text; control characters never
    reach a document (a party refuses them)."""
    s = scenarios["signed"]
    with pytest.raises(ValidationError, match="U\\+0007"):
        attrs.evolve(s.case.parties[2], name="王五\x07")
    name = '王<w:p>&"五'
    bad = attrs.evolve(s.case.parties[2], name=name)
    case = attrs.evolve(
        s.case, intake=attrs.evolve(s.case.intake, parties=(*s.case.parties[:2], bad))
    )
    data = attrs.evolve(s, case=case).render(renderer, "mediation_agreement", format="docx")
    assert isinstance(data, bytes)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<w:p>&amp;" not in xml.replace("&lt;w:p&gt;&amp;", "")
    assert "王&lt;w:p&gt;&amp;" in xml
    cells = _cells(_docx(data))
    assert cells["被申请人"] == ['王<w:p>&"五，男，67岁']


def test_pdf_contains_names_and_terms(agreement_pdf: str) -> None:
    """The PDF's extracted text holds the parties and the terms: the CJK font is embedded."""
    compact = agreement_pdf.replace("\n", "")
    for name in ("张三", "李梅", "王五", "东门村人民调解委员会"):
        assert name in compact
    for term in TERMS:
        assert term in compact
    assert "□" not in agreement_pdf
    assert "\ufffd" not in agreement_pdf


@pytest.mark.usefixtures("cjk_font")
def test_pdf_fetches_no_resources(
    tmp_path: Path, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A committee template cannot pull a local file into the PDF (every fetch is refused)."""
    css = tmp_path / "leak.css"
    css.write_text('p::after { content: "TOPSECRET"; }', encoding="utf-8")
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "callback_record.html.j2").write_text(
        f'<html><head><link rel="stylesheet" href="{css.as_uri()}"></head>'
        "<body><p>{{ case.code }}</p></body></html>",
        encoding="utf-8",
    )
    committee = DocumentRenderer(overrides=overrides)
    data = scenarios["closed"].render(committee, "callback_record", format="pdf")
    assert isinstance(data, bytes)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "（2026）东调字第0001号" in text
    assert "TOPSECRET" not in text


def _weasyprint_handlers() -> list[logging.Handler]:
    """The handlers on WeasyPrint's logger, WeasyPrint imported first: importing it adds its
    own ``NullHandler``, which is not ours to count (the test may be a worker's first to
    render a PDF)."""
    import weasyprint  # noqa: F401

    return list(logging.getLogger("weasyprint").handlers)


def test_pdf_without_cjk_font_fails_loudly(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scenarios: dict[str, Scenario],
    renderer: DocumentRenderer,
) -> None:
    """With every CJK font hidden from Fontconfig, the PDF is refused in one line naming the font.

    WeasyPrint reads ``FONTCONFIG_FILE`` for each rendering: the system configuration minus
    any font with a glyph for 年 (or claiming Simplified Chinese) is a machine without CJK font.
    """
    system = os.environ.get("FONTCONFIG_FILE", "fonts.conf")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f'<fontconfig><include ignore_missing="yes">{system}</include>'
        "<selectfont><rejectfont>"
        '<pattern><patelt name="charset"><charset><int>0x5e74</int></charset></patelt></pattern>'
        '<pattern><patelt name="lang"><string>zh-cn</string></patelt></pattern>'
        "</rejectfont></selectfont></fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    before = _weasyprint_handlers()
    with pytest.raises(DocumentRenderError) as raised:
        scenarios["signed"].render(renderer, "mediation_agreement", format="pdf")
    message = str(raised.value)
    assert "apt-get install fonts-wqy-microhei" in message
    assert "WenQuanYi Micro Hei" in message
    assert "Noto Sans CJK SC" in message
    assert re.search(r'glyph for "[\u4e00-\u9fff]" \(U\+[0-9A-F]{4}\)', message)
    assert "\n" not in message
    assert _weasyprint_handlers() == before


class _FakeHTML:
    """Stands in for ``weasyprint.HTML``: logs what WeasyPrint logs for a glyph no font has."""

    in_other_thread = False
    char = "年"

    def __init__(self, **kwargs: object) -> None:
        pass

    def write_pdf(self) -> bytes:
        def warn() -> None:
            logging.getLogger("weasyprint").warning(
                '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)',
                self.char,
                ord(self.char),
            )

        if self.in_other_thread:
            thread = threading.Thread(target=warn)
            thread.start()
            thread.join()
        else:
            warn()
        return b"%PDF-fake"


@pytest.fixture
def fake_weasyprint(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_FakeHTML]]:
    weasyprint = pytest.importorskip("weasyprint")
    monkeypatch.setattr(weasyprint, "HTML", _FakeHTML)
    before = _weasyprint_handlers()
    yield _FakeHTML
    assert _weasyprint_handlers() == before, "the capturing handler stayed installed"


def test_missing_glyph_warning_is_an_error(fake_weasyprint: type[_FakeHTML]) -> None:
    """A .notdef warning logged while rendering turns into DocumentRenderError."""
    with pytest.raises(DocumentRenderError, match=r"apt-get install fonts-wqy-microhei"):
        html_to_pdf("<p>年</p>")


def test_a_rare_character_without_glyph_is_logged_not_refused(
    fake_weasyprint: type[_FakeHTML],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A CJK font is there but lacks a rare character (ext. B): the PDF renders, a warning says so."""
    monkeypatch.setattr(fake_weasyprint, "char", "\U00020000")
    with caplog.at_level(logging.WARNING, logger="mediation"):
        assert html_to_pdf("<p>x</p>") == b"%PDF-fake"
    assert "U+20000" in caplog.text


def test_missing_glyph_warning_of_another_thread_is_ignored(
    fake_weasyprint: type[_FakeHTML], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the rendering thread's warnings count: concurrent renderings stay apart."""
    monkeypatch.setattr(fake_weasyprint, "in_other_thread", True)
    assert html_to_pdf("<p>年</p>") == b"%PDF-fake"


def test_missing_glyph_seen_when_weasyprint_logger_silenced(
    fake_weasyprint: type[_FakeHTML], caplog: pytest.LogCaptureFixture
) -> None:
    """An application that silenced WeasyPrint's logger still gets the error, and keeps its level."""
    logger = logging.getLogger("weasyprint")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.ERROR)
    try:
        with caplog.at_level(logging.WARNING), pytest.raises(DocumentRenderError):
            html_to_pdf("<p>年</p>")
        assert logger.level == logging.ERROR
        assert logger.propagate is propagate
        assert not [r for r in caplog.records if r.name == "weasyprint"]
    finally:
        logger.setLevel(level)


def test_missing_docx_extra(
    monkeypatch: pytest.MonkeyPatch, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Without python-docx the error says which extra to install."""
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(DocumentRenderError, match=r"pip install mediation\[docx\]"):
        scenarios["signed"].render(renderer, "mediation_agreement", format="docx")


def test_missing_pdf_extra(
    monkeypatch: pytest.MonkeyPatch, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Without WeasyPrint the error says which extra to install."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(DocumentRenderError, match=r"pip install mediation\[pdf\]"):
        scenarios["signed"].render(renderer, "mediation_agreement", format="pdf")


def test_text_formats_are_str_and_binary_formats_bytes(
    scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """text/html return str, docx returns bytes; an unknown format is a ValidationError."""
    s = scenarios["closed"]
    assert isinstance(s.render(renderer, "callback_record", format="text"), str)
    assert isinstance(s.render(renderer, "callback_record", format="html"), str)
    assert isinstance(s.render(renderer, "callback_record", format="docx"), bytes)
    with pytest.raises(ValidationError):
        s.render(renderer, "callback_record", format="odt")
