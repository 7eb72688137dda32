"""What a rule sees of a related case's clocks: each running duty clock by period.

The engine tells a rule about the cases sharing a key (``RelatedCase``) as they stand, and
logs what it told with the event (a replay sees the same). ``duty_due`` is the first of
their running duty clocks; ``duties`` lists each one by period, so that a rule counting a
statute's own periods is not misled by another duty that ran out first.
"""

from __future__ import annotations

from .conftest import CITY, engine, letter
from .test_handling import flagged_major


def test_a_related_case_lists_each_running_duty_clock_and_a_replay_reads_them_back() -> None:
    e = engine()
    lower = flagged_major(e)
    running = sorted(
        (d.due_at, d.period)
        for d in lower.deadlines
        if d.status.value == "running" and d.kind.value == "duty"
    )
    assert [p for _, p in running] == ["petition_major_report", "petition_handling"]
    upper = letter(e, "2026-03-10", unit="ls", actor=CITY)
    (seen,) = e.related(upper.id)
    assert seen.duties == tuple((p, due) for due, p in running)
    assert seen.duty_due == running[0][0]
    assert seen.due_of({"petition_handling"}) == running[1][0]
    assert seen.due_of({"petition_review_opinion"}) is None
    # Logged with the intake, and read back by a replay.
    (intake,) = e.history(upper.id)
    assert intake.facts["related"][0]["duties"] == [[p, due.isoformat()] for due, p in running]
    assert e.verify(upper.id).ok
