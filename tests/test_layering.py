"""The workflow is the unit of extension: the core names no workflow of its own."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "mediation"
DISPUTE_FILES = re.compile(
    r"workflows/dispute\.py|workflows/__init__\.py|rules/dispute(_v1)?(/\w+)?\.py|rules/agreement\.py"
    r"|documents/_kinds_\w+\.py|_demo\.py|_legacy\.py|migrations/"
    # the parts that bridge petitions and disputes (访调对接) name the dispute workflow
    r"|(rules|workflows)/(fangtiao|petition)\w*\.py"
)
NAMES = re.compile(r"\bDISPUTE\b|DisputeState|DisputeTrigger|DisputeDetails|workflows\.dispute")


def test_core_modules_do_not_name_the_dispute_workflow() -> None:
    """Engine, model, codec, journal, store, machine and the generic rules know no workflow."""
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if DISPUTE_FILES.search(rel):
            continue
        if NAMES.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []


def test_core_modules_do_not_name_dispute_states_or_triggers() -> None:
    """No dispute state or trigger appears as a string literal in the core. A migration is
    not core code: it reads the stored data as it was written (its words are the data's,
    e.g. the one-stop overlay's ``via`` values), as the test above allows."""
    from mediation.workflows.dispute import DisputeState, DisputeTrigger

    names = {m.value for m in (*DisputeState, *DisputeTrigger)}
    core = ("engine.py", "model.py", "_codec.py", "_journal.py", "_machine.py", "store")
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if not rel.startswith(core) or "/migrations/" in rel:
            continue
        for literal in re.findall(r'"([a-z_]+)"', path.read_text(encoding="utf-8")):
            if literal in names:
                offenders.append((rel, literal))
    assert offenders == []
