"""The engine's policy: a part given wins; a part not given reads as its defaults."""

from __future__ import annotations

import attrs

from mediation import Policy
from mediation.rules.referral import ReferralPolicy


@attrs.frozen
class Reminders:
    every_days: int = 7


def test_a_part_not_given_reads_as_its_defaults_made_once_per_policy() -> None:
    """Rules read a part on every step: its defaults are one value per policy, equal to the
    class's defaults; a given part wins; a policy evolved from another makes its own."""
    policy = Policy()
    first = policy.part(Reminders)
    assert first == Reminders()
    assert policy.part(Reminders) is first
    assert policy.part(ReferralPolicy) == ReferralPolicy()
    given = Policy(parts=[Reminders(14)])
    assert given.part(Reminders) == Reminders(14)
    other = attrs.evolve(policy, roll=policy.roll)
    assert other.part(Reminders) == first
    assert other.part(Reminders) is not first
    assert "_defaults" not in repr(policy)
