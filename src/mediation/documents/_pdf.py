"""PDF output: WeasyPrint lays out the HTML rendering.

The HTML templates ask for ``font-family: "WenQuanYi Micro Hei", "Noto Sans
CJK SC", sans-serif`` (Debian ``fonts-wqy-microhei``), which WeasyPrint embeds.
When no installed font has a glyph for a character, WeasyPrint draws an empty
box (the ``.notdef`` glyph) and only logs a warning on the ``weasyprint``
logger. While it renders, :func:`html_to_pdf` therefore listens on that logger
(a temporary handler that keeps only the records of the rendering thread, so
concurrent renderings do not see each other's warnings; it is removed when the
call ends) and raises :class:`DocumentRenderError` naming the font to install
instead of returning a PDF with boxes — when a common CJK character (the
unified ideographs, CJK punctuation, full-width forms) has no glyph, which
means no CJK font is installed; a rare character the installed font lacks
(an extension-B ideograph, an emoji) prints as a box and is logged. If the application silenced the
``weasyprint`` logger (a level above ``WARNING``, or ``disabled``), the logger
is opened for the duration of the rendering without propagating to the
application's handlers, then restored; only a process-wide
``logging.disable(WARNING)`` hides the warnings from the check.

WeasyPrint is imported lazily (extra ``pdf``). No URL is ever fetched: a
committee template cannot pull a local file or a remote resource into the PDF.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mediation._errors import DocumentRenderError

__all__ = ["html_to_pdf"]

_NOTDEF = ".notdef glyph rendered"  # WeasyPrint's warning, drawing a glyph no font has
_FONT_HINT = (
    'install the CJK font "WenQuanYi Micro Hei" (Debian/Ubuntu: apt-get install '
    'fonts-wqy-microhei) or any font covering CJK such as "Noto Sans CJK SC"'
)
_SHOWN = 5  # missing characters quoted in the error

_lock = threading.Lock()  # guards the two below
_watchers = 0  # renderings in progress
_restore: tuple[int, bool, bool] | None = None  # the logger's (level, propagate, disabled)


def _fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that refuses every URL."""

    def refuse(url: str, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"documents fetch no resources (refused {url[:80]!r})")

    base = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if base is None:  # WeasyPrint < 66: a plain function is a fetcher
        return refuse

    class _Refuse(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            return refuse(url)

    return _Refuse()


def _common_cjk(char: str) -> bool:
    """A character every CJK font has: missing, it means no CJK font is installed at all."""
    if len(char) != 1:
        return True
    code = ord(char)
    return 0x3000 <= code <= 0x303F or 0x4E00 <= code <= 0x9FFF or 0xFF00 <= code <= 0xFFEF


class _MissingGlyphs(logging.Handler):
    """Collects the characters WeasyPrint drew as ``.notdef`` in one thread."""

    def __init__(self, thread: int) -> None:
        super().__init__(logging.WARNING)
        self.thread = thread
        self.chars: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread or not str(record.msg).startswith(_NOTDEF):
            return
        args = record.args
        char = args[0] if isinstance(args, tuple) and args and isinstance(args[0], str) else ""
        if char not in self.chars:
            self.chars.append(char)

    def error(self) -> DocumentRenderError:
        """The one-line error for the collected characters."""
        shown = ", ".join(
            f'"{c}" (U+{ord(c):04X})' if len(c) == 1 and c.isprintable() else "?"
            for c in self.chars[:_SHOWN]
        )
        more = f" and {len(self.chars) - _SHOWN} more" if len(self.chars) > _SHOWN else ""
        return DocumentRenderError(
            f"PDF output: no installed font has a glyph for {shown}{more} "
            f"(WeasyPrint would draw empty boxes); {_FONT_HINT}"
        )


@contextmanager
def _missing_glyphs() -> Iterator[_MissingGlyphs]:
    """Watch the ``weasyprint`` logger for ``.notdef`` warnings of this thread."""
    global _watchers, _restore
    logger = logging.getLogger("weasyprint")
    handler = _MissingGlyphs(threading.get_ident())
    with _lock:
        if _watchers == 0 and not logger.isEnabledFor(logging.WARNING):
            _restore = (logger.level, logger.propagate, logger.disabled)
            logger.setLevel(logging.WARNING)
            logger.propagate = False  # the application silenced these warnings
            logger.disabled = False
        _watchers += 1
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        with _lock:
            logger.removeHandler(handler)
            _watchers -= 1
            if _watchers == 0 and _restore is not None:
                level, logger.propagate, logger.disabled = _restore
                logger.setLevel(level)
                _restore = None


def html_to_pdf(html: str) -> bytes:
    """Lay ``html`` out as PDF.

    Raises:
        DocumentRenderError: WeasyPrint or its system libraries are missing
            (``pip install mediation[pdf]``), no installed font covers some
            character (``apt-get install fonts-wqy-microhei``), or the layout
            failed.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise DocumentRenderError(
            f"PDF output needs WeasyPrint: pip install mediation[pdf] ({exc})"
        ) from exc
    with _missing_glyphs() as missing:
        try:
            pdf = weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher(weasyprint))
            out = pdf.write_pdf()
        except Exception as exc:  # WeasyPrint has no single error root
            raise DocumentRenderError(f"PDF layout failed: {type(exc).__name__}: {exc}") from exc
    if any(_common_cjk(c) for c in missing.chars):
        raise missing.error()
    if missing.chars:  # the CJK font is there; a rare character (Ext. B, emoji) is not in it
        logging.getLogger("mediation").warning(
            "PDF: characters without a glyph in any installed font print as boxes: %s",
            ", ".join(f"U+{ord(c):04X}" for c in missing.chars if len(c) == 1),
        )
    if not isinstance(out, bytes):
        raise DocumentRenderError("PDF layout produced no bytes")
    return out
