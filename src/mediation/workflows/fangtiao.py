"""访调对接: the result of a petition's people's mediation flows back to the petition.

A hook on the dispute workflow's steps that reach an agreement or a failure, or close
(the dispute workflow itself is not changed): a dispute case carrying the
``fangtiao`` overlay reports its result to the petition it came from, once.
Source: 《信访工作条例》第三十三条; 司法部、国家信访局 2025 意见 (RULES.md §4.1).
"""

from __future__ import annotations

from mediation.rules import fangtiao as ft
from mediation.rules.fangtiao import DISPUTE_WORKFLOW
from mediation.workflows.definition import Hook, Site

__all__ = ["DISPUTE_WORKFLOW", "FANGTIAO_HOOK", "REPORTING", "reports"]

REPORTING = frozenset({"agreed", "failed"})
"""The dispute states (by value) whose result a petition waits for: an agreement reached,
mediation failed. A test pins them to the dispute workflow's states."""


def reports(site: Site) -> bool:
    """Select the dispute steps whose result a petition waits for: those reaching an
    agreement or a failure, and any step that closes the case (every version)."""
    if site.definition.name != DISPUTE_WORKFLOW or site.step:
        return False
    return site.dest in REPORTING or site.closing


FANGTIAO_HOOK = Hook(
    "fangtiao_result",
    when=reports,
    effects=ft.report_result,
    overlays={ft.OVERLAY: ft.Fangtiao},  # type: ignore[arg-type]  # core: converter=dict
    only_if=ft.handed_from_petition,
)
"""Report a mediation's result to the petition it was handed from."""
