"""The default authorization policy: roles per transition, data scoped to an org subtree.

Embedders replace it with any callable of the same shape
(:data:`Authorizer`). Roles are those of :class:`~mediation.model.Role`;
``admin`` may do anything; everyone else may fire a trigger only if one of
their roles is among the transition's ``roles`` and the case's unit is their
own unit or below it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from mediation.model import Actor, Case, Role
from mediation.rules.base import ALLOW, Decision, refuse
from mediation.rules.org import OrgTree

__all__ = ["Authorizer", "RolePolicy"]

Authorizer = Callable[[Actor, Case, str, Collection[str]], Decision]
"""``(actor, case, action, roles allowed by the workflow) -> Decision``."""


class RolePolicy:
    """Role check plus data scope by organisation subtree.

    Args:
        org: The org tree; without it, only roles are checked.
    """

    def __init__(self, org: OrgTree | None = None) -> None:
        self.org = org

    def __call__(self, actor: Actor, case: Case, action: str, roles: Collection[str]) -> Decision:
        """Decide whether ``actor`` may perform ``action`` on ``case``."""
        if Role.admin.value in actor.roles:
            return ALLOW
        if roles and actor.roles.isdisjoint(roles):
            return refuse(
                "authorization",
                f"“{action}”需要以下角色之一：{'、'.join(Role(r).label if r in Role.__members__ else r for r in sorted(roles))}",
            )
        if (
            self.org is not None
            and actor.unit is not None
            and not self.org.within(case.unit, actor.unit)
        ):
            return refuse("authorization", f"案件属于{case.unit}，不在{actor.unit}的管辖范围内")
        return ALLOW
