"""Embedding ``mediation`` in an existing system: your org tree, your users, your notifications.

Run: ``.venv/bin/python examples/embed.py [DB]`` (a temporary SQLite file by default;
pass ``postgresql+psycopg://...`` to run on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from mediation import (
    Actor,
    Engine,
    Event,
    OrgTree,
    Party,
    Place,
    Policy,
    RuleRejectedError,
    Unit,
)
from mediation.model import CHINA_TZ

# 1. Your organisation: any depth; the level names come from the policy's ladder.
ORG = OrgTree(
    [
        Unit("county", "某县矛调中心", "county", None, "某调"),
        Unit("town-a", "甲镇人民调解委员会", "town", "county", "甲镇调"),
        Unit("village-1", "一村人民调解委员会", "village", "town-a", "一村调"),
    ]
)


def notify(event: Event) -> None:
    """Your notification channel: SMS, work queue, ... (called after commit, at least once)."""
    print(
        f"  [notify] {event.case_id[:8]} #{event.seq} {event.trigger}: {event.source} -> {event.dest}"
    )


def main(target: str) -> None:
    url = target if "://" in target else None
    engine = (
        Engine.from_url(url, policy=Policy(org=ORG), reader=Actor.system())
        if url
        else Engine.sqlite(target, policy=Policy(org=ORG), reader=Actor.system())
    )
    engine.subscribe(notify)
    clerk = Actor("u-1001", {"clerk"}, "village-1", "登记员")
    mediator = Actor("u-1002", {"mediator"}, "village-1", "调解员")
    at = dt.datetime(2026, 5, 6, 9, 30, tzinfo=CHINA_TZ)

    case = engine.intake(
        kind="dispute",
        channel="phone",
        category="debt",
        unit="village-1",
        actor=clerk,
        at=at,
        summary="借款三万元到期未还",
        location=[Place("某县"), Place("工业园区")],
        parties=[
            Party.person("赵甲", id_number="11010519491231002X", role="applicant"),
            Party.organisation(
                "某建材有限公司",
                org_code="91331121MA2E1X2Y3K",
                role="respondent",
                address="某县工业园区",
            ),
        ],
        amount="30000",
        claims=["归还借款三万元"],
    )
    print("registered", case.code, "clocks:", [(d.period, str(d.due)) for d in case.deadlines])

    # What may happen next, and why not, for this user:
    for option in engine.available_triggers(case.id, clerk, at):
        if option.allowed:
            print(
                "  may",
                option.trigger,
                option.label,
                "needs" if option.needs else "",
                *option.needs,
            )

    engine.fire(case.id, "triage", actor=clerk, at=at, track="people", level="village")
    engine.fire(case.id, "accept", actor=clerk, at=at)
    start = at + dt.timedelta(days=1)
    try:  # the parties must first be told their rights (2002 规定 第三十条)
        engine.fire(case.id, "start_mediation", actor=mediator, at=start)
    except RuleRejectedError as refusal:
        print("refused:", refusal.reason, "|", refusal.basis)
    engine.fire(case.id, "inform_rights", actor=clerk, at=start)
    engine.fire(case.id, "start_mediation", actor=mediator, at=start)

    # Overdue and warning lists, e.g. for a daily job:
    later = at + dt.timedelta(days=40)
    for item in engine.due(at=later, warnings=True):
        print(
            "due:",
            item.deadline.period,
            item.deadline.due,
            item.warning.label,
            item.kind.label,
            "hard" if item.hard else "soft",
        )
    # 一个月内调结 is a target (一般…), not a statutory limit: it warns, 督办 leaves it alone.
    print("supervised:", len(engine.supervise(at=later)))

    number = engine.issue_document(case.id, "registration", actor=clerk, at=later)
    print("registration form", number)
    print(str(engine.render(case.id, "registration"))[:200])
    print("audit chain:", engine.verify(case.id))
    engine.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(tempfile.mkdtemp()) / "embed.db"))
