"""Forms and JSON schemas derived from a step's typed inputs (an ``attrs`` class).

Every trigger and step declares its inputs as an ``attrs`` class whose fields
carry a Chinese label (:func:`mediation.rules.base.field`). From that class
alone this module derives

* the fields of an HTML form (:func:`resolved_fields`): text, long text,
  yes/no, whole number, amount, date, date and time, a choice of an enum's
  members, a list of lines, a nested group, repeatable rows of a group;
* the reading of a submitted form back into the plain values
  :meth:`mediation.Engine.fire` parses (:func:`parse_form`): nothing is
  validated here beyond the shape, so the engine's one parser names every
  error;
* a JSON schema (:func:`json_schema`) for the API's OpenAPI document.

So a workflow registered tomorrow gets its forms and its API without a page
or an endpoint of its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import attrs

__all__ = [
    "FieldSpec",
    "form_values",
    "json_schema",
    "parse_form",
    "resolved_fields",
]

LONG_TEXT = frozenset(
    {
        "note",
        "reason",
        "facts",
        "disputed_matters",
        "responsibilities",
        "summary",
        "performance",
        "evidence",
        "recurrence",
        "measures",
        "opinion",
        "content",
        "remarks",
    }
)
"""Text fields shown as a multi-line box (by field name: a presentation choice only)."""

SELECT_HINTS = frozenset({"track", "level", "unit", "kind", "deadline", "category", "channel"})
"""Text inputs whose hints (choices a page offers) are the only valid values: a choice box."""
PEOPLE_HINTS = frozenset({"mediators", "assignees", "handlers"})
"""Lists of actor ids (承办人): a choice of the unit's people."""


@attrs.frozen(slots=True)
class FieldSpec:
    """One field of an inputs class, as a form shows it.

    Attributes:
        name: The attribute name (the key ``fire`` takes).
        label: Its Chinese label.
        kind: ``text``, ``textarea``, ``bool``, ``int``, ``decimal``, ``date``,
            ``datetime``, ``enum``, ``lines`` (a list of texts, one per line),
            ``group`` (a nested inputs class) or ``rows`` (a list of groups).
        required: It has no default: the step needs it.
        optional: ``None`` is a value it takes.
        default: The default shown in a new form (``None`` for none).
        choices: For ``enum``: (value, label) of each member.
        group_class: For ``group``: the nested class.
        item_class: For ``rows``: the class of each row.
    """

    name: str
    label: str
    kind: str
    required: bool
    optional: bool = False
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()
    group_class: type | None = None
    item_class: type | None = None


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = len(args) < len(typing.get_args(tp))
        if len(args) == 1:
            return args[0], optional
        return str, optional
    return tp, False


def _hints(cls: type) -> dict[str, Any]:
    module = sys.modules.get(cls.__module__)
    namespace = dict(vars(module)) if module is not None else {}
    try:
        return typing.get_type_hints(cls, globalns=namespace)
    except (NameError, TypeError, AttributeError):
        return {a.name: a.type for a in attrs.fields(cls)}


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs types Factory as a function
        return None if default.takes_self else default.factory()
    if isinstance(default, Enum):
        return default.value
    return default


def _kind(name: str, tp: Any) -> tuple[str, tuple[tuple[str, str], ...], type | None, type | None]:
    if isinstance(tp, type) and issubclass(tp, Enum):
        choices = tuple((str(m.value), str(getattr(m, "label", m.value))) for m in tp)
        return "enum", choices, None, None
    if tp is bool:
        return "bool", (), None, None
    if tp is int:
        return "int", (), None, None
    if tp is Decimal:
        return "decimal", (), None, None
    if tp is dt.datetime:
        return "datetime", (), None, None
    if tp is dt.date:
        return "date", (), None, None
    if isinstance(tp, type) and attrs.has(tp):
        return "group", (), tp, None
    if typing.get_origin(tp) in (tuple, list, frozenset, set):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        item = args[0] if args else str
        if isinstance(item, type) and attrs.has(item):
            return "rows", (), None, item
        return "lines", (), None, None
    return ("textarea" if name in LONG_TEXT else "text"), (), None, None


@functools.cache
def resolved_fields(cls: type) -> tuple[FieldSpec, ...]:
    """The form fields of an inputs class, in declaration order."""
    if not attrs.has(cls):
        return ()
    hints = _hints(cls)
    out = []
    for a in attrs.fields(cls):
        if not a.init:
            continue
        tp, optional = _strip_optional(hints.get(a.name, str))
        kind, choices, group, item = _kind(a.name, tp)
        out.append(
            FieldSpec(
                name=a.name,
                label=str(a.metadata.get("label", a.name)),
                kind=kind,
                required=a.default is attrs.NOTHING,
                optional=optional,
                default=_default(a),
                choices=choices,
                group_class=group,
                item_class=item,
            )
        )
    return tuple(out)


class FormData(typing.Protocol):
    """What a submitted form offers (Starlette's ``FormData`` is one)."""

    def get(self, key: str, /) -> Any:
        """One value of ``key`` (``None`` if absent)."""
        ...

    def getlist(self, key: str, /) -> list[Any]:
        """Every value of ``key``."""
        ...

    def keys(self) -> typing.KeysView[str]:
        """The names sent."""
        ...

    def __iter__(self) -> Iterator[str]:
        """The names sent."""
        ...


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


_INT = re.compile(r"[+-]?\d{1,13}")


def _rows(form: FormData, path: str) -> list[int]:
    pattern = re.compile(re.escape(path) + r"\.(\d+)\.")
    found = {int(m.group(1)) for key in form if (m := pattern.match(key))}
    return sorted(found)


def parse_form(
    cls: type,
    form: FormData,
    prefix: str = "",
    *,
    tz: ZoneInfo | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The plain values of a submitted form for ``cls`` (the shape ``fire`` takes).

    Empty fields are left out (so the engine applies the default, or names
    the field as missing), except a required date and time left empty, which
    is ``now`` when given (the form says "empty: the time of submission");
    a date and time without a zone is taken in ``tz`` (China time by
    default); values that do not read as their type are passed on as typed,
    so that the engine's parser names the field.
    """
    zone = tz or ZoneInfo("Asia/Shanghai")
    out: dict[str, Any] = {}
    for spec in resolved_fields(cls):
        path = f"{prefix}{spec.name}"
        if spec.kind == "bool":
            out[spec.name] = _text(form, path) in ("on", "true", "1", "yes")
            continue
        if spec.kind == "group":
            assert spec.group_class is not None
            nested = parse_form(spec.group_class, form, f"{path}.", tz=zone, now=now)
            if nested or spec.required:
                out[spec.name] = nested
            continue
        if spec.kind == "rows":
            assert spec.item_class is not None
            rows = []
            for index in _rows(form, path):
                row = parse_form(spec.item_class, form, f"{path}.{index}.", tz=zone, now=None)
                if any(v not in (False, "", None, []) for v in row.values()):
                    rows.append(row)
            if rows or spec.required:
                out[spec.name] = rows
            continue
        if spec.kind == "lines":
            picked = [v.strip() for v in form.getlist(f"{path}[]") if isinstance(v, str)]
            lines = [line.strip() for line in _text(form, path).splitlines()]
            values = [v for v in (*picked, *lines) if v]
            if values or spec.required:
                out[spec.name] = list(dict.fromkeys(values))
            continue
        text = _text(form, path)
        if text == "" and spec.kind == "datetime" and spec.required and now is not None:
            out[spec.name] = now.isoformat()
            continue
        if text == "":
            continue
        if spec.kind == "int" and _INT.fullmatch(text):
            out[spec.name] = int(text)
        elif spec.kind == "datetime":
            out[spec.name] = _instant(text, zone)
        else:
            out[spec.name] = text
    return out


def _instant(text: str, zone: ZoneInfo) -> str:
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()


def form_values(form: FormData) -> dict[str, Any]:
    """The raw values a form sent (name → text, or list for names ending ``[]``), to show
    them again when the form comes back with an error."""
    out: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        if key.endswith("[]"):
            out[key] = [v for v in form.getlist(key) if isinstance(v, str)]
        else:
            value = form.get(key)
            out[key] = value if isinstance(value, str) else ""
    return out


def row_counts(values: Mapping[str, Any]) -> dict[str, int]:
    """How many rows each repeatable group had in a submitted form (path → count)."""
    counts: dict[str, int] = {}
    for key in values:
        for m in re.finditer(r"\.(\d+)\.", key):
            path = key[: m.start()]
            counts[path] = max(counts.get(path, 0), int(m.group(1)) + 1)
    return counts


# -- JSON schema -------------------------------------------------------------------

_SIMPLE: Mapping[str, Mapping[str, Any]] = {
    "text": {"type": "string"},
    "textarea": {"type": "string"},
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "decimal": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "lines": {"type": "array", "items": {"type": "string"}},
}


def json_schema(cls: type, *, name_of: Callable[[type], str] | None = None) -> dict[str, Any]:
    """A JSON schema (OpenAPI 3.1) of an inputs class: every field with its label as title.

    Args:
        cls: The ``attrs`` class.
        name_of: If given, nested classes become ``$ref``s to
            ``#/components/schemas/<name_of(class)>`` instead of inline objects.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    for spec in resolved_fields(cls):
        schema: dict[str, Any]
        if spec.kind == "enum":
            schema = {
                "type": "string",
                "enum": [v for v, _ in spec.choices],
                "description": "；".join(f"{v}：{label}" for v, label in spec.choices),
            }
        elif spec.kind == "group":
            assert spec.group_class is not None
            schema = _nested(spec.group_class, name_of)
        elif spec.kind == "rows":
            assert spec.item_class is not None
            schema = {"type": "array", "items": _nested(spec.item_class, name_of)}
        else:
            schema = dict(_SIMPLE.get(spec.kind, {"type": "string"}))
        if spec.optional:
            if "$ref" in schema:
                schema = {"anyOf": [schema, {"type": "null"}]}
            else:
                schema["type"] = [schema["type"], "null"]
                if "enum" in schema:
                    schema["enum"] = [*schema["enum"], None]
        schema = {**schema, "title": spec.label}
        if spec.default is not None and spec.kind not in ("group", "rows"):
            default = spec.default
            if isinstance(default, tuple | frozenset):
                default = list(default)
            if isinstance(default, str | int | bool | list):
                schema["default"] = default
        properties[spec.name] = schema
        if spec.required:
            required.append(spec.name)
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        out["required"] = required
    doc = (cls.__doc__ or "").strip().splitlines()
    if doc:
        out["description"] = doc[0]
    return out


def _nested(cls: type, name_of: Callable[[type], str] | None) -> dict[str, Any]:
    if name_of is not None:
        return {"$ref": f"#/components/schemas/{name_of(cls)}"}
    return json_schema(cls)


def nested_classes(cls: type) -> list[type]:
    """Every ``attrs`` class reachable from ``cls`` (itself first), each once."""
    seen: list[type] = []
    todo: list[type] = [cls]
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.append(current)
        for spec in resolved_fields(current):
            for nested in (spec.group_class, spec.item_class):
                if nested is not None:
                    todo.append(nested)
    return seen


def prefill(cls: type, now: dt.datetime, prefix: str = "") -> dict[str, Any]:
    """The values a new form for ``cls`` starts with: its defaults (a required time is left
    empty: submitted empty, it is the time of submission)."""
    out: dict[str, Any] = {}
    for spec in resolved_fields(cls):
        path = f"{prefix}{spec.name}"
        if spec.kind == "group" and spec.group_class is not None:
            out.update(prefill(spec.group_class, now, f"{path}."))
        elif spec.kind == "bool":
            if spec.default:
                out[path] = "on"
        elif spec.kind == "lines":
            if spec.default:
                out[path] = "\n".join(str(v) for v in spec.default)
        elif spec.default is not None and spec.kind not in ("rows",):
            out[path] = str(spec.default)
    return out


def count_rows(values: Mapping[str, Any], path: str, minimum: int = 0) -> int:
    """How many rows to show for ``path`` (those sent, at least ``minimum``)."""
    return max(minimum, row_counts(values).get(path, 0))
