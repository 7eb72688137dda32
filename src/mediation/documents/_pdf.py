"""PDF output: WeasyPrint lays out the HTML rendering.

The HTML templates ask for ``font-family: "WenQuanYi Micro Hei", "Noto Sans
CJK SC", sans-serif`` (Debian ``fonts-wqy-microhei``), which WeasyPrint embeds.
WeasyPrint is imported lazily (extra ``pdf``). No URL is ever fetched: a
committee template cannot pull a local file or a remote resource into the PDF.
"""

from __future__ import annotations

from typing import Any

from mediation._errors import DocumentRenderError

__all__ = ["html_to_pdf"]


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


def html_to_pdf(html: str) -> bytes:
    """Lay ``html`` out as PDF.

    Raises:
        DocumentRenderError: WeasyPrint or its system libraries are missing
            (``pip install mediation[pdf]``), or the layout failed.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise DocumentRenderError(
            f"PDF output needs WeasyPrint: pip install mediation[pdf] ({exc})"
        ) from exc
    try:
        pdf = weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher(weasyprint))
        out = pdf.write_pdf()
    except Exception as exc:  # WeasyPrint has no single error root
        raise DocumentRenderError(f"PDF layout failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(out, bytes):
        raise DocumentRenderError("PDF layout produced no bytes")
    return out
