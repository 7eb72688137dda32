"""The committee app (``mediation serve``) and its JSON API: the ``web`` extra.

A village or town mediation committee's small internal app on one SQLite
file: sign-in, 工作台, 案件列表, 受理登记, 案件详情 with a form for every
step of any registered workflow, 文书 (DOCX, PDF, print), 统计, 组织与用户; and
``/api/v1`` for other systems, with webhooks of committed events. Every page
and endpoint goes through the public API of :class:`mediation.Engine` with the
user's actor, so the engine's authorization and data scope apply.

Embedding it::

    from mediation import Engine
    from mediation.web import WebStore, create_app

    engine = Engine.sqlite("cases.db")          # migrates the app's tables too
    app = create_app(engine, WebStore.sqlite("cases.db"))   # an ASGI app (Starlette)

Needs ``pip install 'mediation[web]'`` (Starlette, uvicorn, itsdangerous,
argon2-cffi, python-multipart).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mediation.web.store import WebStore as WebStore
from mediation.web.values import ApiAccount as ApiAccount
from mediation.web.values import User as User

if TYPE_CHECKING:
    from mediation.web.app import create_app as create_app
    from mediation.web.context import WebConfig as WebConfig

__all__ = ["ApiAccount", "User", "WebConfig", "WebStore", "create_app"]


def __getattr__(name: str) -> Any:
    """``create_app`` and ``WebConfig`` import Starlette on first use."""
    if name == "create_app":
        from mediation.web.app import create_app

        return create_app
    if name == "WebConfig":
        from mediation.web.context import WebConfig

        return WebConfig
    raise AttributeError(f"module 'mediation.web' has no attribute {name!r}")
