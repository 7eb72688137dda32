"""Authorization: who may do what to which case. The default policy, and the shape embedders replace.

An authorizer is any callable ``(actor, access) -> Decision``
(:data:`Authorizer`). The engine asks it before every step (with the roles the
workflow or step names for it) and, when a step moves a case to another unit,
again for the destination.

The default :class:`RolePolicy`: an actor with no unit may do nothing unless
it is a system actor (:meth:`Actor.system`); ``admin`` may do anything in its
subtree; everyone else may act only if one of their roles is among the roles
the step names, and the case's unit is their own unit or below it. Reading a
case (``action="read"``) needs no particular role, only the scope.

An authorizer may also answer :meth:`RolePolicy.units`: the units whose cases
an actor may see (``None``: all), which lets list queries be filtered in the
database; without it the engine filters the rows it reads one by one.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from mediation.model import Actor, Case, Role
from mediation.rules.base import ALLOW, Decision, refuse
from mediation.rules.org import OrgTree

__all__ = ["Access", "Authorizer", "RolePolicy"]


@attrs.frozen(slots=True, weakref_slot=False)
class Access:
    """What an actor asks to do.

    Attributes:
        action: The trigger or step name (``"intake"`` to register a case,
            ``"read"`` to see one).
        unit: The unit the action concerns (the case's unit; at intake the
            receiving unit; for a move, the destination).
        roles: Roles the workflow or step names for it (empty: any role).
        case: The case, when there is one yet.
        sending: The destination of a step that sends the case on (a referral,
            a return): the actor was authorized where the case was, and the
            step's rules check where it may go.
    """

    action: str
    unit: str
    roles: frozenset[str] = frozenset()
    case: Case | None = None
    sending: bool = False


Authorizer = Callable[[Actor, Access], Decision]
"""``(actor, access) -> Decision``: allowed, or refused with a reason."""


def _role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value


class RolePolicy:
    """Role check plus data scope by organisation subtree: the actor's unit and what it
    oversees, below it in the tree or in its line (:meth:`~mediation.rules.org.OrgTree.oversees`).

    Args:
        org: The org tree; without it, only roles are checked.
    """

    def __init__(self, org: OrgTree | None = None) -> None:
        self.org = org

    def __call__(self, actor: Actor, access: Access) -> Decision:
        """Decide whether ``actor`` may perform ``access``."""
        if actor.is_system:
            return ALLOW
        if actor.unit is None:
            return refuse(
                "authorization",
                "操作人未指定所属单位：只有系统账户（Actor.system()）可以不受单位范围限制",
            )
        if (
            access.roles
            and Role.admin.value not in actor.roles
            and actor.roles.isdisjoint(access.roles)
        ):
            names = "、".join(_role_label(r) for r in sorted(access.roles))
            return refuse("authorization", f"“{access.action}”需要以下角色之一：{names}")
        if access.sending:
            # A referral or return: authorized where the case is; its rules decide where
            # it may go (the receiving unit then takes it or returns it).
            return ALLOW
        if self.org is not None and not self.org.oversees(actor.unit, access.unit):
            return refuse("authorization", f"{access.unit}不在{actor.unit}的管辖范围内")
        return ALLOW

    def units(self, actor: Actor) -> frozenset[str] | None:
        """The units whose cases ``actor`` may see (``None``: every unit)."""
        if actor.is_system:
            return None
        if actor.unit is None:
            return frozenset()
        if self.org is None:
            return None
        return frozenset(u.id for u in self.org if self.org.oversees(actor.unit, u.id))
