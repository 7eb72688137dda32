"""Authorization: who may do what to which case. The default policy, and the shape embedders replace.

An authorizer is any callable ``(actor, access) -> Decision``
(:data:`Authorizer`). The engine asks it before every step (with the roles the
workflow or step names for it) and, when a step moves a case to another unit,
again for the destination.

The default :class:`RolePolicy`: ``admin`` may do anything; everyone else may
act only if one of their roles is among the roles the step names, and the
case's unit is their own unit or below it.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from mediation.model import Actor, Case, Role
from mediation.rules.base import ALLOW, Decision, refuse
from mediation.rules.org import OrgTree

__all__ = ["Access", "Authorizer", "RolePolicy"]


@attrs.frozen(slots=True)
class Access:
    """What an actor asks to do.

    Attributes:
        action: The trigger or step name (``"intake"`` to register a case).
        unit: The unit the action concerns (the case's unit; at intake the
            receiving unit; for a move, the destination).
        roles: Roles the workflow or step names for it (empty: any role).
        case: The case, when there is one yet.
    """

    action: str
    unit: str
    roles: frozenset[str] = frozenset()
    case: Case | None = None


Authorizer = Callable[[Actor, Access], Decision]
"""``(actor, access) -> Decision``: allowed, or refused with a reason."""


def _role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value


class RolePolicy:
    """Role check plus data scope by organisation subtree.

    Args:
        org: The org tree; without it, only roles are checked.
    """

    def __init__(self, org: OrgTree | None = None) -> None:
        self.org = org

    def __call__(self, actor: Actor, access: Access) -> Decision:
        """Decide whether ``actor`` may perform ``access``."""
        if Role.admin.value in actor.roles:
            return ALLOW
        if access.roles and actor.roles.isdisjoint(access.roles):
            names = "、".join(_role_label(r) for r in sorted(access.roles))
            return refuse("authorization", f"“{access.action}”需要以下角色之一：{names}")
        if (
            self.org is not None
            and actor.unit is not None
            and not self.org.within(access.unit, actor.unit)
        ):
            return refuse("authorization", f"{access.unit}不在{actor.unit}的管辖范围内")
        return ALLOW
