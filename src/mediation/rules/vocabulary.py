"""Vocabularies a locality configures: code → Chinese label, checked on input.

Channels of intake (信访工作条例 第十七条 lists the petition channels; local
platforms add 12345 hotlines, QR codes, grid workers...) are policy data, not
an enum of the case model: an embedder adds a code without a release.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType

import attrs

from mediation._errors import DefinitionError, ValidationError

__all__ = ["Vocabulary"]


def _frozen(value: Mapping[str, str]) -> Mapping[str, str]:
    for code, label in value.items():
        if not (isinstance(code, str) and code and isinstance(label, str) and label):
            raise DefinitionError(f"a vocabulary maps codes to labels, got {code!r}: {label!r}")
    return MappingProxyType(dict(value))


@attrs.frozen(slots=True)
class Vocabulary(Mapping[str, str]):
    """Codes and their Chinese labels.

    Attributes:
        name: What the codes name (used in error messages, e.g. ``"channel"``).
        labels: Code → label.

    Example:
        >>> v = Vocabulary("channel", {"walk_in": "来访"})
        >>> v.label("walk_in"), v.require("walk_in")
        ('来访', 'walk_in')
    """

    name: str
    labels: Mapping[str, str] = attrs.field(converter=_frozen)

    @classmethod
    def of(cls, enum_type: type[StrEnum], name: str = "") -> Vocabulary:
        """The vocabulary of a labelled enum."""
        return cls(
            name or enum_type.__name__.lower(),
            {m.value: str(getattr(m, "label", m.value)) for m in enum_type},
        )

    def __getitem__(self, code: str) -> str:
        return self.labels[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    def label(self, code: str) -> str:
        """The label of ``code`` (the code itself if unknown)."""
        return self.labels.get(code, code)

    def require(self, code: object, field: str | None = None) -> str:
        """Return ``code`` if it is one of the vocabulary's codes.

        Raises:
            ValidationError: unknown code (naming ``field``, default the vocabulary's name).
        """
        if not isinstance(code, str) or code not in self.labels:
            raise ValidationError(
                field or self.name, code, f"unknown {self.name}; one of {', '.join(self.labels)}"
            )
        return code
