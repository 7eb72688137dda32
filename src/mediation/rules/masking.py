"""Masking of resident ID numbers and phone numbers (去标识化展示), and where it applies.

Issue 9 §5: ID and phone numbers are masked in logs, on the command line, in
exports and in every document that does not need them in full; the policy
decides which documents print them in full. Sources: 《中华人民共和国个人信息
保护法》第五十一条 (security measures such as 去标识化 for personal
information), 第二十八条 (身份证号码 and similar identifiers of a natural person
are sensitive only in combination: treat them with care); GB/T 35273-2020
《信息安全技术 个人信息安全规范》 §3.14 and Annex (display masking of
identifiers); common practice: a resident ID as its first six and last four
characters (``332522********0014``), a mobile number as its first three and
last four digits (``138****0001``).

The functions are pure and total: any text goes in, text of the same length
comes out, and masking twice changes nothing. The :class:`MaskingFormatter`
gives a logging handler the same masking.
"""

from __future__ import annotations

import logging
import re

import attrs

from mediation._errors import ValidationError

__all__ = [
    "FULL_BY_DEFAULT",
    "MaskingFormatter",
    "MaskingPolicy",
    "mask_id",
    "mask_phone",
    "mask_text",
]

MASK = "*"

FULL_BY_DEFAULT = frozenset(
    {"mediation_agreement", "oral_agreement_register", "judicial_confirmation_application"}
)
"""The document kinds that identify the parties in full by default.

The agreement states the parties' basic information (《人民调解法》第二十九条第一款
第一项; 2002 规定 第三十五条第一项) and is what a court enforces; the oral
agreement register is its record (第二十八条); the court identifies the
applicants of a judicial confirmation (《民事诉讼法》第二百零五条; 法释〔2011〕5号
第三条: 当事人的身份证明)."""


def _keep(value: str, head: int, tail: int) -> str:
    """``value`` with all but ``head`` leading and ``tail`` trailing characters masked.

    Too short to keep that much and still hide something: keep only the last
    quarter, so at least one character is always masked (the empty text stays empty).
    GB/T 35273-2020 (display masking).
    """
    n = len(value)
    if n <= head + tail:
        head, tail = 0, n // 4
    return value[:head] + MASK * (n - head - tail) + value[n - tail :]


def mask_id(value: str) -> str:
    """Mask a resident ID (公民身份号码) for display: first 6 and last 4 kept.

    GB/T 35273-2020 (display masking); the first six digits are the place of
    registration, the last four the sequence and check digit — the birth date
    in between is hidden. The length is kept; masking twice changes nothing.

    Example:
        >>> mask_id("332522196503120014")
        '332522********0014'
        >>> mask_id(mask_id("332522196503120014"))
        '332522********0014'
    """
    return _keep(value, 6, 4)


def mask_phone(value: str) -> str:
    """Mask a phone number for display: first 3 and last 4 kept (``138****0001``).

    GB/T 35273-2020 (display masking; the common 3+4 form of a mobile number).
    A landline keeps its first three and last four characters likewise. The
    length is kept; masking twice changes nothing.

    Example:
        >>> mask_phone("13800000001")
        '138****0001'
    """
    return _keep(value, 3, 4)


_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """Mask every resident ID and phone number that appears in free text.

    For text the library did not structure (a log line, an error message, a
    summary a clerk typed): 18- and 15-digit resident IDs, mobile numbers
    (with or without +86) and landlines written with an area code and a dash
    (``0578-1234567``). The length is kept; masking twice changes nothing.
    《个人信息保护法》第五十一条; GB/T 35273-2020.

    Example:
        >>> mask_text("张三（332522196503120014），电话13800000001")
        '张三（332522********0014），电话138****0001'
    """
    text = _ID.sub(lambda m: mask_id(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group()), text)


def _kinds(value: object) -> frozenset[str]:
    """A set of document kinds (a bare string is refused: it is not a set of kinds)."""
    if isinstance(value, str) or not isinstance(value, frozenset | set | list | tuple):
        raise ValidationError("full_in", value, "a set of document kinds")
    return frozenset(str(v) for v in value)


@attrs.frozen(slots=True)
class MaskingPolicy:
    """Which documents print ID and phone numbers in full (a policy part).

    Retrieved with ``policy.part(MaskingPolicy)``; an embedder passes its own
    in ``Policy(parts=[MaskingPolicy(...)])``. 《个人信息保护法》第五十一条
    (de-identification as a security measure); GB/T 35273-2020.

    Attributes:
        full_in: The document kinds that print resident ID and phone numbers
            in full (default :data:`FULL_BY_DEFAULT`: the agreement, the oral
            agreement register, the judicial-confirmation application); every
            other document masks them.
    """

    full_in: frozenset[str] = attrs.field(default=FULL_BY_DEFAULT, converter=_kinds)

    def full(self, kind: str) -> bool:
        """Whether document ``kind`` prints ID and phone numbers in full (《个人信息保护法》第五十一条)."""
        return kind in self.full_in


class MaskingFormatter(logging.Formatter):
    """A log formatter that masks ID and phone numbers in every formatted line.

    Attach it to the handler that writes the ``mediation`` logs (the CLI does),
    so an exception message carrying a party's number never reaches a log file
    in full (《个人信息保护法》第五十一条).
    """

    def format(self, record: logging.LogRecord) -> str:
        """Format ``record`` as usual, then mask it (:func:`mask_text`)."""
        return mask_text(super().format(record))
