"""Golden files: the text and HTML of every document kind, from the example cases.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/documents``
and review the diff of ``tests/documents/golden/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mediation.documents import DocumentRenderer

from .conftest import Scenario

GOLDEN = Path(__file__).parent / "golden"
OTHER_GOLDEN = Path(__file__).parents[1]
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

CASES = {
    "application": "closed",
    "registration": "closed",
    "non_acceptance_notice": "refused",
    "mediation_record": "closed",
    "mediation_agreement": "signed",
    "oral_agreement_register": "oral",
    "judicial_confirmation_application": "signed",
    "termination_notice": "terminated",
    "callback_record": "closed",
    "closing_report": "closed",
    "dossier_index": "closed",
    "supervision_notice": "overdue",
    "rights_notice": "informed",
    "referral_slip": "assigned",
    "feedback_report": "assigned",
    "transfer_letter": "transferred",
}
"""Which example case each kind is rendered from."""

EXTRA_GOLDEN = {
    "mediation_agreement-unsigned": ("mediation_agreement", "agreed_unsigned"),
    "mediation_record-terminated": ("mediation_record", "terminated"),
    "dossier_index-terminated": ("dossier_index", "terminated"),
    "registration-refused": ("registration", "refused"),
    "referral_slip-up": ("referral_slip", "referred_up"),
    "transfer_letter-hand_off": ("transfer_letter", "handed_off"),
    "dossier_index-assigned": ("dossier_index", "assigned"),
}
"""Further golden files for the variants a kind has (draft agreement, failed mediation)."""

SUFFIX = {"text": "txt", "html": "html"}


def _check(name: str, output: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(output, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert output == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("kind", sorted(CASES))
def test_kind_matches_golden(
    kind: str, fmt: str, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Every kind renders, in text and HTML, exactly as its reviewed golden file."""
    output = scenarios[CASES[kind]].render(renderer, kind, format=fmt)
    assert isinstance(output, str)
    _check(f"{kind}.{SUFFIX[fmt]}", output)


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("name", sorted(EXTRA_GOLDEN))
def test_variant_matches_golden(
    name: str, fmt: str, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Variants (unsigned agreement, failed mediation, refused case) render as reviewed."""
    kind, scenario = EXTRA_GOLDEN[name]
    output = scenarios[scenario].render(renderer, kind, format=fmt)
    assert isinstance(output, str)
    _check(f"{name}.{SUFFIX[fmt]}", output)


def test_every_kind_has_a_golden_case(renderer: DocumentRenderer) -> None:
    """A newly registered kind cannot ship without golden files (here or with its workflow's tests)."""
    elsewhere = {
        p.name.split(".")[0] for p in OTHER_GOLDEN.glob("*/golden/*") if p.parent != GOLDEN
    }
    assert {k.kind for k in renderer.kinds()} - elsewhere == set(CASES)


def test_no_stray_golden_files() -> None:
    """Golden files of removed kinds or variants do not linger."""
    expected = {f"{k}.{s}" for k in [*CASES, *EXTRA_GOLDEN] for s in SUFFIX.values()}
    assert {p.name for p in GOLDEN.iterdir()} == expected
