"""Audit: verify a case, every case, and against checkpoints of every chain head.

What verification proves (see the README, "What verify proves"):

* the hash chain of each case is unbroken: every event hashes to its stored
  hash and names the previous one — an edited, deleted, inserted or reordered
  event is found, and the first bad one named;
* with an audit key (``Engine(audit_key=...)``, held outside the database),
  every event is sealed (HMAC of its hash): someone who can write the database
  but has not the key cannot rewrite an event and recompute the chain after it;
* replaying the log with the rules reproduces the stored case exactly, and
  every column that queries read (state, unit, level, category, version; each
  clock's status, due instant, warning day and escalation; each party's id,
  name, role and ID number) agrees with the replayed case — an edited column
  cannot hide a case from a list or a scan;
* against a checkpoint taken earlier (``Engine.checkpoint()``, stored by the
  embedder outside the database), no case was deleted, rolled back to an
  earlier version, or rewritten up to the checkpointed event.

It cannot prove that the first event (the intake) was true to what happened,
nor detect, without a key, a complete rewrite of a case's whole log, nor,
without a checkpoint, the removal of a case's last events together with a
matching roll-back of its row. Corrupt rows are reported, never raised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence

import attrs

from mediation._errors import CaseNotFoundError, MediationError, ValidationError
from mediation._journal import Journal, VerifyReport
from mediation.model import check_instant
from mediation.store.base import Store

__all__ = ["AuditReport", "Auditor", "Checkpoint"]


@attrs.frozen(slots=True)
class Checkpoint:
    """Every case's chain head at one moment, to be stored outside the database.

    Attributes:
        at: When it was taken.
        heads: ``(case id, version, hash of the event at that version)`` for every case.
        digest: sha256 over the canonical text of ``at`` and ``heads`` (an HMAC
            under the audit key when the engine has one), so that a changed
            checkpoint is noticed too.
    """

    at: dt.datetime
    heads: tuple[tuple[str, int, str], ...]
    digest: str

    def to_json(self) -> str:
        """The checkpoint as JSON text (what the embedder stores)."""
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "heads": [list(h) for h in self.heads],
                "digest": self.digest,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        """Read a checkpoint stored with :meth:`to_json`.

        Raises:
            ValidationError: not a checkpoint.
        """
        try:
            raw = json.loads(text)
            heads = tuple((str(c), int(v), str(h)) for c, v, h in raw["heads"])
            at = check_instant("checkpoint.at", dt.datetime.fromisoformat(raw["at"]))
            return cls(at, heads, str(raw["digest"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationError("checkpoint", text[:80], f"not a checkpoint: {exc}") from exc


def _digest(at: dt.datetime, heads: Sequence[tuple[str, int, str]], key: bytes | None) -> str:
    text = at.isoformat() + "\n" + "\n".join(f"{c}\t{v}\t{h}" for c, v, h in heads)
    if key is None:
        return hashlib.sha256(text.encode()).hexdigest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


@attrs.frozen(slots=True)
class AuditReport:
    """What :meth:`Engine.verify_all` found.

    Attributes:
        checked: Cases verified.
        problems: One report per bad case (its first bad event), and one per
            case a checkpoint knew that is gone, rolled back or rewritten.
    """

    checked: int
    problems: tuple[VerifyReport, ...]

    @property
    def ok(self) -> bool:
        """Whether every case verified."""
        return not self.problems


class Auditor:
    """Runs the checks over a store with the journal's rules."""

    def __init__(self, store: Store, journal: Journal) -> None:
        self._store = store
        self._journal = journal

    def verify(self, case_id: str) -> VerifyReport:
        """Verify one case; report (never raise) what is wrong with it.

        Raises:
            CaseNotFoundError: no case has that id.
        """
        try:
            events = self._store.events(case_id)
        except CaseNotFoundError:
            raise
        except MediationError as exc:
            return VerifyReport(False, 0, getattr(exc, "seq", None), f"unreadable: {exc}", case_id)
        try:
            stored = self._store.load(case_id, fresh=True)
        except CaseNotFoundError:
            raise
        except MediationError as exc:
            return VerifyReport(
                False, len(events), None, f"the case row is unreadable: {exc}", case_id
            )
        report = self._journal.verify(events, stored)
        if not report.ok:
            return report
        try:
            problems = self._store.index_problems(stored)
        except MediationError as exc:
            problems = [f"the rows queries read are unreadable: {exc}"]
        if problems:
            return VerifyReport(
                False,
                len(events),
                None,
                "columns disagree with the log: " + "; ".join(problems),
                case_id,
            )
        return report

    def case_ids(self, units: frozenset[str] | None) -> Iterator[str]:
        """Every case id (within ``units`` when given), in pages."""
        after: str | None = None
        while True:
            page = self._store.case_ids(after=after, limit=1000, units=units)
            yield from page
            if len(page) < 1000:
                return
            after = page[-1]

    def verify_all(
        self, units: frozenset[str] | None, checkpoint: Checkpoint | None, key: bytes | None
    ) -> AuditReport:
        """Verify every case (within ``units``), and the database against ``checkpoint``."""
        problems: list[VerifyReport] = []
        checked = 0
        for case_id in self.case_ids(units):
            checked += 1
            try:
                report = self.verify(case_id)
            except CaseNotFoundError:
                continue
            if not report.ok:
                problems.append(report)
        if units is None:
            for case_id in self._store.orphan_events():
                problems.append(
                    VerifyReport(False, 0, None, "events remain of a case that is gone", case_id)
                )
        if checkpoint is not None:
            problems.extend(self.against(checkpoint, units, key))
        return AuditReport(checked, tuple(problems))

    def against(
        self, checkpoint: Checkpoint, units: frozenset[str] | None, key: bytes | None
    ) -> list[VerifyReport]:
        """What changed since ``checkpoint`` that appending events cannot explain."""
        if not hmac.compare_digest(
            _digest(checkpoint.at, checkpoint.heads, key), checkpoint.digest
        ):
            return [VerifyReport(False, 0, None, "the checkpoint itself was altered", "")]
        problems = []
        for case_id, version, head in checkpoint.heads:
            try:
                unit = self._store.unit_of(case_id)
                if units is not None and unit not in units:
                    continue
                events = self._store.events(case_id)
            except CaseNotFoundError:
                problems.append(
                    VerifyReport(False, 0, None, "deleted since the checkpoint", case_id)
                )
                continue
            except MediationError as exc:
                problems.append(VerifyReport(False, 0, None, f"unreadable: {exc}", case_id))
                continue
            if len(events) < version:
                problems.append(
                    VerifyReport(
                        False,
                        len(events),
                        len(events) + 1,
                        f"rolled back: the checkpoint saw {version} events, the log has "
                        f"{len(events)}",
                        case_id,
                    )
                )
            elif events[version - 1].hash != head:
                problems.append(
                    VerifyReport(
                        False, len(events), version, "rewritten since the checkpoint", case_id
                    )
                )
        return problems

    def checkpoint(self, at: dt.datetime, key: bytes | None) -> Checkpoint:
        """Every case's current chain head."""
        heads = tuple(sorted(self._store.heads()))
        return Checkpoint(at, heads, _digest(at, heads, key))
