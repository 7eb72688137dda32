"""Values of the library as JSON: what the API answers and webhooks carry.

Derived from the ``attrs`` fields of each value (a case, its deadlines, an
event, a trigger option...), with the library's canonical forms: instants
and dates as ISO text, amounts as text, enums as their stored values, sets
as sorted lists.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs

__all__ = ["dumps", "to_json"]


def to_json(value: Any) -> Any:
    """The JSON-compatible form of a library value."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, type):
        return value.__name__
    if attrs.has(type(value)):
        return {
            a.name: to_json(getattr(value, a.name))
            for a in attrs.fields(type(value))
            if not a.name.startswith("_")
        }
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted((to_json(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return str(value)


def dumps(value: Any) -> str:
    """Compact JSON text of a library value (UTF-8 characters kept)."""
    return json.dumps(to_json(value), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
