"""Canonical encoding: values, inputs, cases and events to JSON and back; the event hash.

Encoding is derived from the ``attrs`` fields of each type, once, by
`cattrs <https://catt.rs>`_ (no field is listed by hand): a case, a party, a
workflow's details, an overlay, a step's inputs all go through the same
converter. The hooks make it canonical and strict:

* datetimes must be timezone-aware and become ISO text; dates ISO text;
  Decimals text; enums their values; sets sorted lists; tuples lists;
* on the way in, a field typed ``str`` takes only text, ``int`` only an
  integer (not a bool), a tuple or set only a list (never a string, which
  would become its letters), and keys the type does not have are refused.

A step's inputs are parsed into its inputs class and logged in canonical
form, and rules see only the parsed value, so replaying the log feeds the
rules exactly the same inputs. The hash of an event is sha256 over its
length-framed fields, with ``data`` as canonical JSON (sorted keys, no
whitespace, UTF-8), followed by the previous event's hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sys
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from mediation._errors import ValidationError
from mediation.model import (
    FIRST_YEAR,
    LAST_YEAR,
    Case,
    Deadline,
    Event,
    Intake,
    Overlays,
    check_text,
    evolve,
)

__all__ = [
    "Codec",
    "dumps",
    "event_hash",
    "event_text",
    "recompute_hash",
    "seal",
    "seal_ok",
]

_T = TypeVar("_T")

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def _make_dumps() -> Callable[[Any], str]:
    """The canonical encoder, built once.

    :meth:`json.JSONEncoder.encode` builds the C encoder anew on every call,
    which costs more than encoding a step's inputs; the same C encoder with the
    same options is built here once (no circular check: every value comes from
    the codec, which builds trees). Where the C accelerator is missing, the
    plain encoder is used; the text is the same either way.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has the accelerator
        return _ENCODER.encode
    iterencode = make(
        None,
        _ENCODER.default,
        json.encoder.encode_basestring,
        None,
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        True,
        False,
        False,
    )

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return json.encoder.encode_basestring(value)
        return "".join(iterencode(value, 0))

    return encode


_dumps = _make_dumps()


def dumps(value: Any) -> str:
    """Canonical JSON text of an already-encoded value."""
    return _dumps(value)


_EVENT_TEXTS: dict[int, tuple[Mapping[str, Any], str]] = {}
"""The last few event parts encoded: id → (the object, held so its id is not reused; its text)."""
_EVENT_TEXTS_KEPT = 8


def event_text(part: Mapping[str, Any]) -> str:
    """Canonical JSON of an event's ``data`` or ``facts``, the same object encoded once.

    An event's parts are encoded for its hash (:func:`event_hash`) and again by the store
    that keeps them; an intake's ``data`` is a snapshot of the case, some 3 KB of JSON. An
    event's parts are never changed once the event is made, so the text is remembered for
    the last few objects, each held while it is remembered (its id cannot be reused).
    """
    key = id(part)
    hit = _EVENT_TEXTS.get(key)
    if hit is not None and hit[0] is part:
        return hit[1]
    text = _dumps(part)
    if len(_EVENT_TEXTS) >= _EVENT_TEXTS_KEPT:
        try:
            del _EVENT_TEXTS[next(iter(_EVENT_TEXTS))]
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            _EVENT_TEXTS.clear()
    _EVENT_TEXTS[key] = (part, text)
    return text


def event_hash(
    case_id: str,
    seq: int,
    trigger: str,
    actor: str,
    at: str,
    source: str,
    dest: str,
    data: Mapping[str, Any],
    prev_hash: str,
    facts: Mapping[str, Any] | None = None,
) -> str:
    """sha256 (hex) over the event's fields and the previous event's hash.

    Each field is framed by its length (``<len>:<text>``), so no choice of
    field values can make two different events hash alike; ``data`` and
    ``facts`` enter as their canonical JSON (sorted keys, no whitespace,
    UTF-8). An event without facts hashes as events did before facts existed.
    """
    body = event_text(data) if data else "{}"
    n = str(seq)
    framed = (
        f"{len(case_id)}:{case_id}{len(n)}:{n}{len(trigger)}:{trigger}{len(actor)}:{actor}"
        f"{len(at)}:{at}{len(source)}:{source}{len(dest)}:{dest}{len(body)}:{body}"
        f"{len(prev_hash)}:{prev_hash}"
    )
    if facts:
        known = event_text(facts)
        framed += f"{len(known)}:{known}"
    return hashlib.sha256(framed.encode()).hexdigest()


def seal(key: bytes, digest: str) -> str:
    """HMAC-SHA256 (hex) of an event hash under the embedder's audit key."""
    return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()


def seal_ok(key: bytes, digest: str, given: str) -> bool:
    """Whether ``given`` is the seal of ``digest`` under ``key`` (constant time)."""
    return hmac.compare_digest(seal(key, digest), given)


def recompute_hash(event: Event) -> str:
    """The hash ``event`` should carry, from its own fields."""
    return event_hash(
        event.case_id,
        event.seq,
        event.trigger,
        event.actor,
        event.at.isoformat(),
        event.source,
        event.dest,
        event.data,
        event.prev_hash,
        event.facts,
    )


# -- strict, canonical hooks ------------------------------------------------------


class _RefusedError(ValueError):
    """A value the type does not take (mapped to ValidationError with its path)."""


_ZONES: dict[dt.timedelta | None, dt.tzinfo] = {}


def _instant(value: Any, _type: Any = None) -> dt.datetime:
    """An aware datetime from a datetime or ISO text, sharing one tzinfo per UTC offset."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _RefusedError("not an ISO date-time") from None
    else:
        raise _RefusedError("a date-time (ISO text or datetime) is needed")
    offset = parsed.utcoffset()
    if offset is None:
        raise _RefusedError("naive datetimes are refused: attach a time zone (e.g. +08:00)")
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise _RefusedError(f"a time between {FIRST_YEAR} and {LAST_YEAR}")
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES.setdefault(offset, parsed.tzinfo or dt.UTC)
    return parsed if parsed.tzinfo is zone else parsed.replace(tzinfo=zone)


def _date(value: Any, _type: Any = None) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _RefusedError("a calendar date is needed, not a date-time")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise _RefusedError("not an ISO date (YYYY-MM-DD)") from None
    if not isinstance(value, dt.date):
        raise _RefusedError("a date (ISO text or date) is needed")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _RefusedError(f"a date between {FIRST_YEAR} and {LAST_YEAR}")
    return value


def _decimal(value: Any, _type: Any = None) -> Decimal:
    if isinstance(value, bool | float):
        raise _RefusedError("give amounts as text or Decimal, not float or bool")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise _RefusedError("not a decimal number") from None
    raise _RefusedError("a decimal number (text) is needed")


def _str(value: Any, target: Any = str) -> Any:
    if target is not str and _is_enum(target):  # a StrEnum is a str, but is read as its enum
        return _enum(value, target)
    if type(value) is not str:
        if not isinstance(value, str):
            raise _RefusedError(f"text is needed, not {type(value).__name__}")
        value = str.__str__(value)
    try:
        return check_text("text", value)
    except ValidationError as exc:
        raise _RefusedError(exc.rule) from None


_MAX_INT = 10**12


def _int(value: Any, _type: Any = None) -> int:
    if type(value) is not int:
        raise _RefusedError(f"a whole number is needed, not {type(value).__name__}")
    if not -_MAX_INT <= value <= _MAX_INT:
        raise _RefusedError(f"a whole number between -{_MAX_INT} and {_MAX_INT}")
    return value


def _bool(value: Any, _type: Any = None) -> bool:
    if type(value) is not bool:
        raise _RefusedError(f"true or false is needed, not {type(value).__name__}")
    return value


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Enum)


def _enum(value: Any, t: Any) -> Any:
    if isinstance(value, t):
        return value
    try:
        return t(value)
    except (ValueError, TypeError):
        raise _RefusedError(f"one of {', '.join(str(m.value) for m in t)}") from None


def _is_sequence(t: Any) -> bool:
    return typing.get_origin(t) in (tuple, frozenset, set, list)


def _sequence_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(t: Any) -> Callable[[Any, Any], Any]:
        origin = typing.get_origin(t)
        args = typing.get_args(t)
        item = args[0] if args else Any
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            raise TypeError(f"only homogeneous tuples are encoded, not {t}")
        make: Callable[[Any], Any] = {tuple: tuple, list: list}.get(origin, frozenset)

        def structure(value: Any, _t: Any) -> Any:
            if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
                raise _RefusedError("a list is needed")
            items = []
            errors: list[Exception] = []
            for i, v in enumerate(value):
                try:
                    items.append(conv.structure(v, item))
                except Exception as exc:  # collected with its index, re-raised as a group
                    note = IterableValidationNote(f"structuring item @ index {i}", i, item)
                    exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                    errors.append(exc)
            if errors:
                raise IterableValidationError("while structuring a list", errors, t)
            return make(items)

        return structure

    return factory


def _is_set(t: Any) -> bool:
    return typing.get_origin(t) in (frozenset, set) or t is frozenset or t is set


def _unstructure_set(value: Any) -> list[Any]:
    return sorted(v.value if isinstance(v, Enum) else v for v in value)


@attrs.frozen(slots=True)
class _Shape:
    """What parsing needs of an inputs class, computed once: its fields and its default."""

    names: frozenset[str]
    required: tuple[str, ...]
    default: Any
    encode: Callable[[Any], Any]


def _values_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """An attrs value given as itself (a ``Party`` built with ``Party.person``) is taken as
    it is — it was validated when built — and read from a mapping otherwise (a form, JSON)."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        read = conv.gen_structure_attrs_fromdict(cls)

        def structure(value: Any, t: Any) -> Any:
            if type(value) is cls:
                return value
            return read(value, t)

        return structure

    return factory


def _converter(*, detailed: bool, lean: bool = False) -> cattrs.Converter:
    """A converter with the library's strict, canonical hooks.

    ``lean``: fields left at their defaults are not written (reading fills them in).
    """
    conv = cattrs.Converter(
        forbid_extra_keys=True, detailed_validation=detailed, omit_if_default=lean
    )
    for t, fn in (
        (str, _str),
        (int, _int),
        (bool, _bool),
        (Decimal, _decimal),
        (dt.datetime, _instant),
        (dt.date, _date),
    ):
        conv.register_structure_hook(t, fn)
    conv.register_structure_hook_factory(_is_sequence, _sequence_hook(conv))
    conv.register_structure_hook_func(_is_enum, _enum)
    conv.register_structure_hook_factory(attrs.has, _values_hook(conv))
    conv.register_unstructure_hook(dt.datetime, lambda v: v.isoformat())
    conv.register_unstructure_hook(dt.date, lambda v: v.isoformat())
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook_func(_is_set, _unstructure_set)
    return conv


class Codec:
    """The converter every value of the library goes through, and the case format.

    The engine keeps one per process and registers each workflow's details
    type and each overlay type with it, so stored cases decode back to their
    own types.
    """

    def __init__(self) -> None:
        conv = _converter(detailed=True)
        self.converter = conv
        # Reading valid data needs no error paths: a plain converter does it
        # faster, and the detailed one runs only to name what is wrong.
        self._fast = _converter(detailed=False)
        self._details: dict[tuple[str, int], type] = {}
        self._overlays: dict[str, type] = {}
        self._shapes: dict[type, _Shape] = {}
        self._deadline_out = make_dict_unstructure_fn(Deadline, conv)
        apart = ("details", "overlays", "intake", "deadlines", *IDENTITY_FIELDS)
        omitted: dict[str, Any] = dict.fromkeys(apart, override(omit=True))
        self._case_out = make_dict_unstructure_fn(Case, conv, **omitted)
        # A stored case row writes only what differs from the defaults: most of a
        # case's details are still empty for most of its life, and the row is
        # written with every step (a third of the bytes, and of the encoding).
        self._lean = _converter(detailed=False, lean=True)
        self._case_lean = make_dict_unstructure_fn(
            Case, self._lean, _cattrs_omit_if_default=True, **omitted
        )
        self._case_in = make_dict_structure_fn(
            Case,
            conv,
            _cattrs_forbid_extra_keys=True,
            details=override(omit=True),
            overlays=override(omit=True),
        )

    # -- registries -------------------------------------------------------------

    def register_details(self, workflow: str, version: int, details: type | None) -> None:
        """Record the details type of a workflow version."""
        self._details[(workflow, version)] = details or type(None)

    def register_overlay(self, name: str, value_type: type) -> None:
        """Record the type of overlay ``name``."""
        known = self._overlays.get(name)
        if known is not None and known is not value_type:
            from mediation._errors import DefinitionError

            raise DefinitionError(f"overlay {name!r} is already registered with another type")
        self._overlays[name] = value_type

    def overlay_type(self, name: str) -> type | None:
        """The registered type of overlay ``name`` (``None``: not registered)."""
        return self._overlays.get(name)

    # -- values -----------------------------------------------------------------

    def encode(self, value: Any, as_type: Any = None) -> Any:
        """The canonical JSON-compatible form of ``value``."""
        return self.converter.unstructure(value, as_type or type(value))

    def decode(self, data: Any, as_type: type[_T], field: str = "") -> _T:
        """Build a ``as_type`` value from its encoded form.

        Raises:
            ValidationError: naming the first bad field (dotted path under ``field``).
        """
        try:
            return self._fast.structure(data, as_type)
        except Exception:  # read again below, with the detailed converter, to name what is wrong
            pass
        try:
            return self.converter.structure(data, as_type)
        except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
            found = _first(exc, field)
            if found.value is None:
                found = ValidationError(
                    found.field, _value_at(data, found.field, field), found.rule, found.basis
                )
            raise found from exc
        except RecursionError as exc:
            raise ValidationError(field or "value", None, "nested too deeply") from exc
        except _RefusedError as exc:
            raise ValidationError(field or "value", data, str(exc)) from exc
        except ValidationError as exc:
            raise _prefixed(exc, field) from exc
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise ValidationError(field or "value", data, f"cannot be read: {exc}") from exc

    def parse_inputs(self, cls: type[_T], data: Mapping[str, Any]) -> _T:
        """Parse a step's inputs into its inputs class.

        Raises:
            ValidationError: an unknown input, a missing required one, or a bad
                value — naming the input (dotted path for nested values).
        """
        if type(data) is not dict and not isinstance(data, Mapping):
            raise ValidationError("inputs", data, "the inputs are a mapping of names to values")
        shape = self._shapes.get(cls) or self._shape(cls)
        if not data and shape.default is not None:
            return cast(_T, shape.default)
        names = shape.names
        for key in data:
            if key not in names:
                unknown = sorted(str(k) for k in data if k not in names)
                raise ValidationError(
                    unknown[0],
                    None,
                    f"not an input of this step; it takes: {', '.join(sorted(names)) or 'nothing'}",
                )
        given = (
            data if None not in data.values() else {k: v for k, v in data.items() if v is not None}
        )
        for name in shape.required:
            value = given.get(name)
            if value is None or value == "":
                missing = [n for n in shape.required if given.get(n) in (None, "")]
                raise ValidationError(
                    missing[0],
                    data.get(missing[0]),
                    f"required input missing: {', '.join(missing)}",
                )
        try:
            return self._fast.structure(given, cls)
        except Exception:  # read again, with the detailed converter, to name what is wrong
            return self.decode(dict(given), cls)

    def encode_inputs(self, inputs: Any) -> dict[str, Any]:
        """The canonical form of parsed inputs (what the audit event logs).

        Inputs left at their defaults are omitted, so the log holds what was
        given; parsing it again fills the defaults in.
        """
        shape = self._shape(type(inputs))
        if inputs is shape.default:
            return {}
        out: dict[str, Any] = shape.encode(inputs)
        return out

    def _shape(self, cls: type) -> _Shape:
        shape = self._shapes.get(cls)
        if shape is None:
            fields = attrs.fields(cast(Any, cls))
            required = tuple(a.name for a in fields if a.default is attrs.NOTHING)
            default = None if required else cls()
            encode: Callable[[Any], Any] = make_dict_unstructure_fn(
                cls, self.converter, _cattrs_omit_if_default=True
            )
            shape = self._shapes[cls] = _Shape(
                frozenset(a.name for a in fields), required, default, encode
            )
        return shape

    # -- cases ------------------------------------------------------------------

    def case_to_dict(self, case: Case) -> dict[str, Any]:
        """Canonical dict of a case (identity, registration and deadlines included)."""
        out = self.case_rest(case)
        for name in IDENTITY_FIELDS:
            out[name] = getattr(case, name)
        out["intake"] = self.converter.unstructure(case.intake, Intake)
        out["deadlines"] = [self._deadline_out(d) for d in case.deadlines]
        return out

    def case_rest(self, case: Case) -> dict[str, Any]:
        """Canonical dict of what steps change: the case without its identity, registration
        and deadlines (a store keeps those apart: written once, or as rows)."""
        out: dict[str, Any] = self._case_out(case)
        details = case.details
        out["details"] = None if details is None else self.converter.unstructure(details)
        out["overlays"] = {
            name: self.converter.unstructure(value) for name, value in case.overlays.items()
        }
        return out

    def case_body(self, case: Case) -> dict[str, Any]:
        """:meth:`case_rest` without the fields left at their defaults: what a store writes
        with each step. :meth:`case_from_parts` reads it back to the same case."""
        out: dict[str, Any] = self._case_lean(case)
        details = case.details
        if details is not None:
            out["details"] = self._lean.unstructure(details)
        if case.overlays:
            lean = self._lean
            out["overlays"] = {name: lean.unstructure(v) for name, v in case.overlays.items()}
        return out

    def case_from_dict(self, data: Mapping[str, Any]) -> Case:
        """Inverse of :meth:`case_to_dict`.

        Raises:
            ValidationError: the data is not a case of a registered workflow.
        """
        body = dict(data)
        raw_details = body.pop("details", None)
        raw_overlays = body.pop("overlays", {})
        try:
            case: Case = self._case_in(body, Case)
        except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
            raise _first(exc, "case") from exc
        except ValidationError as exc:
            raise _prefixed(exc, "case") from exc
        return self._with_extras(case, raw_details, raw_overlays)

    def _with_extras(self, case: Case, raw_details: Any, raw_overlays: Mapping[str, Any]) -> Case:
        """The case with its details and overlays decoded to their registered types."""
        details_type = self._details.get((case.workflow, case.workflow_version))
        if details_type is None:
            raise ValidationError(
                "case.workflow",
                f"{case.workflow} v{case.workflow_version}",
                "no such workflow version is registered",
            )
        details: Any = None
        if details_type is not type(None) and raw_details is not None:
            details = self.decode(raw_details, details_type, "case.details")
        overlays: dict[str, Any] = {}
        for name, raw in raw_overlays.items():
            overlay_type = self._overlays.get(name)
            if overlay_type is None:
                raise ValidationError(f"case.overlays.{name}", raw, "unknown overlay")
            overlays[name] = self.decode(raw, overlay_type, f"case.overlays.{name}")
        if details is None and not overlays:
            return case
        return evolve(case, details=details, overlays=Overlays(overlays))

    # -- the stored parts of a case ------------------------------------------------

    def intake_dict(self, case: Case) -> dict[str, Any]:
        """Canonical dict of a case's registration (a store writes it apart, when it changes)."""
        out: dict[str, Any] = self.converter.unstructure(case.intake, Intake)
        return out

    def intake_value(self, info: Mapping[str, Any]) -> Intake:
        """Decode a stored registration (immutable: safe to cache and share)."""
        return self.decode(info, Intake, "case.intake")

    def case_from_parts(
        self,
        identity: Mapping[str, Any],
        intake: Intake,
        rest: Mapping[str, Any],
        deadlines: tuple[Deadline, ...],
    ) -> Case:
        """Build a case from its identity, decoded registration, encoded rest and decoded deadlines.

        Raises:
            ValidationError: the data is not a case of a registered workflow.
        """
        values: dict[str, Any] = {"intake": intake, "deadlines": deadlines}
        if not isinstance(rest, Mapping):
            raise ValidationError("case", type(rest).__name__, "a stored case is a mapping")
        try:
            for name in IDENTITY_FIELDS:
                values[name] = _str(identity[name])
            for name, raw in rest.items():
                if name in ("details", "overlays"):
                    continue
                if name not in _CASE_TYPES or name in values:
                    raise ValidationError(f"case.{name}", raw, "not a field of a stored case")
                values[name] = self.converter.structure(raw, _CASE_TYPES[name])
            case = Case(**values)
        except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
            raise _first(exc, "case") from exc
        except (_RefusedError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise _prefixed(exc, "case") from exc
            raise ValidationError("case", None, f"cannot be read: {exc}") from exc
        return self._with_extras(case, rest.get("details"), rest.get("overlays") or {})

    def deadline_to_dict(self, deadline: Deadline) -> dict[str, Any]:
        """Canonical dict of a deadline (a store writes each as a row)."""
        out: dict[str, Any] = self._deadline_out(deadline)
        return out

    def deadline_from_dict(self, data: Mapping[str, Any]) -> Deadline:
        """Decode a stored deadline."""
        return self.decode(data, Deadline, "deadline")

    def details_type(self, workflow: str, version: int) -> type | None:
        """The registered details type of a workflow version (``None`` if it has none)."""
        found = self._details.get((workflow, version))
        return None if found is type(None) else found


_CASE_TYPES: dict[str, Any] = {a.name: a.type for a in attrs.fields(attrs.resolve_types(Case))}
IDENTITY_FIELDS = tuple(a.name for a in attrs.fields(Case) if a.metadata.get("identity"))
"""Case fields fixed at creation (derived from the ``IDENTITY`` field metadata)."""


def _value_at(data: Any, path: str, prefix: str) -> Any:
    """The value at a dotted path (``a.b[2].c``) under ``prefix`` in ``data``, if it is there."""
    if prefix and path.startswith(prefix):
        path = path[len(prefix) :].lstrip(".")
    value = data
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        try:
            value = value[int(part[1:-1])] if part.startswith("[") else value[part]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def _join(path: str, part: str) -> str:
    if part.startswith("["):
        return f"{path}{part}"
    return f"{path}.{part}" if path else part


def _first(exc: BaseException, path: str) -> ValidationError:
    """The first leaf error of a cattrs error group, as a ValidationError naming its path."""
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = sorted(str(k) for k in exc.extra_fields)[0]  # a key may be any value
        return ValidationError(_join(path, extra), None, "not a field of this value")
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            name = getattr(note, "name", None)
            part = name if isinstance(name, str) else f"[{getattr(note, 'index', '?')}]"
            return _first(inner, _join(path, part))
        for inner in without:
            return _first(inner, path)
    if isinstance(exc, ValidationError):
        return _prefixed(exc, path)
    reason = str(exc) if isinstance(exc, _RefusedError) else f"cannot be read: {exc}"
    return ValidationError(path or "value", None, reason)


def _prefixed(exc: ValidationError, path: str) -> ValidationError:
    if not path:
        return exc
    leaf = exc.field.rsplit(".", 1)[-1]
    return ValidationError(_join(path, leaf), exc.value, exc.rule)


def intern(value: str) -> str:
    """Share a vocabulary string (states, units, periods) among loaded cases."""
    return sys.intern(value)
