"""Warning levels of a running deadline, as policy data.

There is no national rule for early warnings: the levels and the yellow
threshold are PRACTICE (local 督办 / 预警 schemes, RULES.md §7.3), so they live
in a frozen :class:`WarningPolicy` a locality may replace. Only ``overdue``
follows from the law: a period ends at 24:00 of its last day (《民法典》
第二百零三条第二款), so a deadline is overdue from the day after its due date.

Example:
    >>> from datetime import date
    >>> DEFAULT_WARNING_POLICY.level(date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 21))
    <WarningLevel.yellow: 'yellow'>
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import attrs

from mediation._errors import DefinitionError, ValidationError
from mediation.model import LabeledEnum

__all__ = ["DEFAULT_WARNING_POLICY", "WarningLevel", "WarningPolicy"]


class WarningLevel(LabeledEnum):
    """How close a deadline is (stored value lower-case; ``label`` in Chinese)."""

    normal = "normal", "正常"
    yellow = "yellow", "黄色预警"
    red = "red", "红色预警"
    overdue = "overdue", "已超期"


@attrs.frozen(slots=True)
class WarningPolicy:
    """When a deadline turns yellow, red and overdue (PRACTICE, configurable).

    * overdue: today is after the due date (the period ended at 24:00 of the
      due date, 《民法典》第二百零三条第二款);
    * red: today is the due date;
    * yellow: at least ``yellow_fraction`` of the calendar days from start to
      due have elapsed;
    * normal: otherwise (including any day before the start).

    Attributes:
        yellow_fraction: Share of the period after which the warning turns
            yellow, between 0 and 1 inclusive.
    """

    yellow_fraction: Fraction = Fraction(2, 3)

    def __attrs_post_init__(self) -> None:
        """Refuse a fraction outside [0, 1]."""
        if not isinstance(self.yellow_fraction, Fraction) or not (0 <= self.yellow_fraction <= 1):
            raise DefinitionError(
                f"yellow_fraction must be a Fraction in [0, 1], got {self.yellow_fraction!r}"
            )

    def level(self, start: date, due: date, today: date) -> WarningLevel:
        """Return the warning level of a deadline on ``today``.

        Args:
            start: The day the clock started (not counted).
            due: The last day of the period.
            today: The business date to evaluate on (the caller's clock).

        Raises:
            ValidationError: ``due`` is before ``start``.
        """
        _check_order(start, due)
        if today > due:
            return WarningLevel.overdue
        if today == due:
            return WarningLevel.red
        if (today - start).days >= self.yellow_fraction * (due - start).days:
            return WarningLevel.yellow
        return WarningLevel.normal

    def yellow_from(self, start: date, due: date) -> date:
        """Return the first day :meth:`level` answers yellow (or red, if that is ``due``).

        Raises:
            ValidationError: ``due`` is before ``start``.
        """
        _check_order(start, due)
        fraction = self.yellow_fraction
        # ceil(fraction * days) in integers: exact, and much faster than Fraction arithmetic.
        days = -(-fraction.numerator * (due - start).days // fraction.denominator)
        return start + timedelta(days=days)


def _check_order(start: date, due: date) -> None:
    if due < start:
        raise ValidationError("due", due, f"the due date must not precede the start {start}")


DEFAULT_WARNING_POLICY = WarningPolicy()
"""Yellow from two thirds of the period, red on the due day."""
