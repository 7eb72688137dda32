"""Child process for the crash test: fires transitions forever until it is killed.

Usage: python -m tests.crash_child URL SEED
"""

from __future__ import annotations

import contextlib
import random
import sys

from mediation import MediationError

from .conftest import make_engine
from .helpers import CLERK, DIRECTOR, MEDIATOR, agreement, at, intake

STEPS = [
    ("triage", CLERK, {"track": "people", "level": "village"}),
    ("accept", CLERK, {}),
    ("start_mediation", MEDIATOR, {}),
    ("suspend", MEDIATOR, {"reason": "party_wait"}),
    ("resume", MEDIATOR, {}),
    ("agree", MEDIATOR, {"agreement": agreement("2026-04-30")}),
    ("begin_performance", MEDIATOR, {}),
    ("confirm_performed", MEDIATOR, {}),
    ("start_callback", MEDIATOR, {}),
    ("record_callback", MEDIATOR, {"visitor": "陈调解", "party": "p1", "finding": "performed"}),
    ("close", DIRECTOR, {}),
    ("archive", CLERK, {}),
]


def main(url: str, seed: int) -> None:
    rng = random.Random(seed)
    engine = make_engine(url)
    progress: dict[str, int] = {}
    while True:
        if len(progress) < 20 or rng.random() < 0.1:
            progress[intake(engine, when=at("2026-03-02", 9)).id] = 0
        open_ids = [cid for cid, i in progress.items() if i < len(STEPS)]
        if not open_ids:
            continue
        with engine.batch():  # a batch of transitions: all or nothing
            for cid in rng.sample(open_ids, min(len(open_ids), rng.randint(1, 5))):
                trigger, actor, data = STEPS[progress[cid]]
                with contextlib.suppress(MediationError):
                    engine.fire(cid, trigger, actor=actor, at=at("2026-03-10", 9), **data)
                progress[cid] += 1
        sys.stdout.write(".")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
