"""Template lookup confined to the overrides and official template directories."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, TemplateNotFound

__all__ = ["TemplateDirs"]


class TemplateDirs(BaseLoader):
    """Load templates by file name from the overrides directory, then the official one.

    Names are relative paths of plain segments ending in ``.j2``; ``..``, absolute
    paths, hidden segments and symlinks resolving outside the directories are
    refused, so ``{% include %}``/``{% import %}``/``{% extends %}`` cannot reach
    any other file.
    """

    def __init__(self, roots: Iterable[Path], max_bytes: int = 1_000_000) -> None:
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.max_bytes = max_bytes

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        segments = template.split("/")
        if not template.endswith(".j2") or any(
            not s or s.startswith(".") or not all(c.isalnum() or c in "_-." for c in s)
            for s in segments
        ):
            raise TemplateNotFound(f"{template} (not a document template name)")
        for root in self.roots:
            path = root.joinpath(*segments)
            resolved = path.resolve()
            if not resolved.is_relative_to(root) or not resolved.is_file():
                continue
            stat = resolved.stat()
            if stat.st_size > self.max_bytes:
                raise TemplateNotFound(f"{template} (larger than {self.max_bytes} bytes)")
            mtime = stat.st_mtime
            try:
                source = resolved.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise TemplateNotFound(f"{template} (not UTF-8 text)") from exc
            return source, str(resolved), lambda p=resolved, m=mtime: p.stat().st_mtime == m
        raise TemplateNotFound(template)
