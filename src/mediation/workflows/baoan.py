"""领导包案 as steps and a hook on any case (disputes and petitions alike).

Steps: ``baoan_assign`` (一名领导、一套班子、一个方案), ``baoan_duty`` (接访,
下访, 约谈, 督办, 帮扶), ``baoan_remind`` (the cadence: :meth:`Engine.run_scheduled` takes it when the
reminder falls due),
``baoan_sign_off`` (签字销号), ``baoan_nominate`` (flag a candidate),
``book_reception`` and ``reception_held`` (leaders' reception days). The hook
refuses closing a case under 包案 before the leader's sign-off. Source:
《信访工作条例》第十八条第二款; RULES.md §7.1, §4.1.
"""

from __future__ import annotations

from mediation.model import LabeledEnum, Role
from mediation.rules import baoan as b
from mediation.rules import baoan_reception as rc
from mediation.workflows.definition import Hook, Step, closing

__all__ = ["BAOAN_HOOKS", "BAOAN_SIGN_OFF_HOOK", "BAOAN_STEPS", "BaoanStep"]


class BaoanStep(LabeledEnum):
    """The 包案 steps."""

    baoan_assign = "baoan_assign", "领导包案"
    baoan_duty = "baoan_duty", "记录包案领导履职"
    baoan_handover = "baoan_handover", "包案领导调整"
    baoan_remind = "baoan_remind", "包案督促提醒"
    baoan_sign_off = "baoan_sign_off", "包案领导签字销号"
    baoan_nominate = "baoan_nominate", "列为包案候选"
    book_reception = "book_reception", "预约领导接访"
    reception_held = "reception_held", "领导接访已进行"


_OVERLAYS: dict[str, type] = {b.OVERLAY: b.Baoan}

BAOAN_STEPS = (
    Step(
        BaoanStep.baoan_assign,
        inputs=b.AssignInputs,
        roles={Role.director, Role.leader},
        guards=b.assign_guard,
        effects=b.on_assign,
        clocks=(b.TIMETABLE, b.REMINDER),
        overlays=_OVERLAYS,  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        BaoanStep.baoan_duty,
        inputs=b.DutyInputs,
        roles={Role.leader, Role.director, Role.clerk},
        guards=b.duty_guard,
        effects=b.on_duty,
        overlays=_OVERLAYS,  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        BaoanStep.baoan_handover,
        inputs=b.HandoverInputs,
        roles={Role.director, Role.leader},
        guards=b.handover_guard,
        effects=b.on_handover,
        clocks=(b.REMINDER,),
        overlays=_OVERLAYS,  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        BaoanStep.baoan_remind,
        roles={Role.director, Role.leader},
        guards=b.remind_guard,
        effects=b.on_remind,
        overlays=_OVERLAYS,  # type: ignore[arg-type]  # core: converter=dict
        listed=False,
        on_due=b.REMINDER,
    ),
    Step(
        BaoanStep.baoan_sign_off,
        inputs=b.SignOffInputs,
        roles={Role.leader},
        guards=b.sign_off_guard,
        effects=b.on_sign_off,
        overlays=_OVERLAYS,  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        BaoanStep.baoan_nominate,
        roles={Role.director, Role.leader},
        guards=b.nominate_guard,
        effects=b.on_nominate,
        listed=False,
    ),
    Step(
        BaoanStep.book_reception,
        inputs=rc.BookInputs,
        roles={Role.clerk, Role.director},
        guards=rc.book_guard,
        effects=rc.on_book,
        clocks=(rc.RECEPTION,),
        overlays={rc.RECEPTION_OVERLAY: rc.Reception},  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        BaoanStep.reception_held,
        inputs=rc.HeldInputs,
        roles={Role.clerk, Role.director, Role.leader},
        guards=rc.held_guard,
        effects=rc.on_held,
        overlays={rc.RECEPTION_OVERLAY: rc.Reception, **_OVERLAYS},  # type: ignore[arg-type]  # core: converter=dict
    ),
)
"""The 包案 steps (any workflow)."""

BAOAN_SIGN_OFF_HOOK = Hook("baoan_sign_off", when=closing, checks=b.sign_off_check)
"""A case under 包案 closes only after its leader's sign-off (签字销号)."""

BAOAN_HOOKS = (BAOAN_SIGN_OFF_HOOK,)
