"""Template lookup and text rendering, with every Jinja error mapped to ``DocumentRenderError``.

Official templates are found in the installed package first
(``importlib.resources.files("mediation") / "templates" / "documents"``, where the
wheel's hatch ``force-include`` puts them), then in the source tree
(``<repo>/templates/documents``) when running from a checkout.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from mediation._errors import DocumentRenderError
from mediation.documents._limits import Budget, RenderLimitError, reset_budget, set_budget
from mediation.documents._limits import budget as current_budget
from mediation.documents._loader import TemplateDirs
from mediation.documents._sandbox import SandboxEnvironment

__all__ = ["TemplateRenderer", "official_dir"]

_MAX_TEMPLATE_BYTES = 1_000_000
_T = TypeVar("_T")


def official_dir() -> Path:
    """The directory of the official templates.

    Raises:
        DocumentRenderError: neither the installed package nor the source tree has them.
    """
    installed = resources.files("mediation") / "templates" / "documents"
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    source = Path(__file__).resolve().parents[3] / "templates" / "documents"
    if source.is_dir():
        return source
    raise DocumentRenderError(
        f"official document templates not found (looked in {installed} and {source})"
    )


def _where(exc: BaseException, default: str) -> str:
    """``name.j2:line`` of the template frame nearest the error."""
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return f"{Path(exc.filename or exc.name or default).name}:{exc.lineno}"
    where = default
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2"):
            where = f"{Path(frame.filename).name}:{frame.lineno}"
    return where


class TemplateRenderer:
    """Renders templates by name in the sandbox, within a size and time budget.

    Args:
        overrides: Directory of committee templates taking precedence, or ``None``.
        max_output: Largest output (and intermediate value), in characters.
        timeout: Seconds one render may take.
        extra: Template directories of document kinds beside the official ones.
    """

    def __init__(
        self,
        overrides: Path | None,
        max_output: int,
        timeout: float,
        extra: tuple[Path, ...] = (),
    ) -> None:
        roots = [official_dir(), *extra]
        if overrides is not None:
            roots.insert(0, overrides)
        self.overrides = overrides
        self.max_output = max_output
        self.timeout = timeout
        self.env = SandboxEnvironment(TemplateDirs(roots, _MAX_TEMPLATE_BYTES))

    def exists(self, name: str) -> bool:
        """Whether a template of that name can be loaded."""
        try:
            self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except TemplateNotFound:
            return False
        return True

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render template ``name`` with ``context``.

        Raises:
            DocumentRenderError: missing template or variable, syntax error,
                sandbox refusal, output too large, timeout, or any error raised
                by template code (the template and line are named).
        """
        return self._guarded(name, lambda: self._render(name, context))

    def compile(self, name: str) -> None:
        """Load and compile template ``name`` (constant folding runs within the budget too).

        Raises:
            DocumentRenderError: missing template or syntax error.
        """
        self._guarded(name, lambda: self.env.get_template(name))

    def _guarded(self, name: str, step: Callable[[], _T]) -> _T:
        token = set_budget(Budget(self.max_output, self.timeout))
        try:
            return step()
        except DocumentRenderError:
            raise
        except UndefinedError as exc:
            raise DocumentRenderError(
                f"{_where(exc, name)}: undefined variable: {exc.message}"
            ) from exc
        except RenderLimitError as exc:
            raise DocumentRenderError(f"{_where(exc, name)}: {exc}") from exc
        except SecurityError as exc:
            raise DocumentRenderError(
                f"{_where(exc, name)}: refused by the sandbox: {exc}"
            ) from exc
        except TemplateNotFound as exc:
            raise DocumentRenderError(
                f"{name}: template {exc.name!r} not found in the overrides or official "
                "templates (names are plain relative paths ending in .j2)"
            ) from exc
        except TemplateSyntaxError as exc:
            raise DocumentRenderError(f"{_where(exc, name)}: syntax error: {exc.message}") from exc
        except TemplateError as exc:
            raise DocumentRenderError(f"{_where(exc, name)}: {exc}") from exc
        except RecursionError as exc:
            raise DocumentRenderError(f"{_where(exc, name)}: recursion too deep") from exc
        except OverflowError as exc:
            raise DocumentRenderError(f"{_where(exc, name)}: refused: {exc}") from exc
        except Exception as exc:  # template code failed: report it, never a raw error
            raise DocumentRenderError(f"{_where(exc, name)}: {type(exc).__name__}: {exc}") from exc
        finally:
            reset_budget(token)

    def _render(self, name: str, context: Mapping[str, Any]) -> str:
        template = self.env.get_template(name)
        chunks: list[str] = []
        total = 0
        budget = current_budget()
        for chunk in template.generate(context):
            total += len(chunk)
            if total > self.max_output:
                raise RenderLimitError(f"output exceeds max_output={self.max_output} characters")
            budget.tick()
            chunks.append(chunk)
        return "".join(chunks)
