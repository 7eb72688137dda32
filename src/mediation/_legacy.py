"""Reading data written by release 0.1: the case format and the step inputs of that release.

This module describes a format that no longer changes. Release 0.1 stored a
dispute-shaped case (``track``, ``agreement`` and ``visits`` beside the core
fields), identified parties by name (an agent's ``agent_of``, a signature's
``signer``) and logged a migration as ``{"from", "to"}``. The Alembic revision
``0002`` rewrites stored case rows with :func:`upgrade_case`; the audit log is
never rewritten (its hashes prove it), so replay reads an 0.1 intake snapshot
with :func:`upgrade_case` and 0.1 step inputs with :func:`upgrade_inputs`.

Every function is a pure dict transformation and imports nothing of the
library, so the migration can use it whatever the library becomes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["INTAKE_0_1", "is_legacy_case", "upgrade_case", "upgrade_inputs"]

_DETAILS_0_1 = ("track", "agreement", "visits")
"""Fields of the 0.1 case that belong to the dispute workflow's details now."""

INTAKE_0_1 = (
    "category",
    "summary",
    "channel",
    "received_at",
    "parties",
    "claims",
    "amount",
    "location",
)
"""Fields of the 0.1 case that make up the registration (``intake``) now."""


def is_legacy_case(data: Mapping[str, Any]) -> bool:
    """Whether a case dict (a stored row or an intake snapshot) is in the 0.1 format."""
    return "details" not in data


def _party_ids(parties: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Number the parties ``p1``, ``p2``... in order; agents name their principal by id."""
    out = [{**p, "id": f"p{i}"} for i, p in enumerate(parties, start=1)]
    by_name: dict[str, list[str]] = {}
    for p in out:
        if p.get("role") != "agent":
            by_name.setdefault(p["name"], []).append(p["id"])
    for p in out:
        if p.get("role") == "agent":
            ids = by_name.get(p.get("agent_of") or "", [])
            p["agent_of"] = ids[0] if ids else p.get("agent_of")
    return out


def _signature(sig: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    if "party" in sig:
        return dict(sig)
    out = {"capacity": sig["capacity"], "signed_at": sig["signed_at"]}
    if sig["capacity"] == "party":
        out["party"] = ids.get(sig.get("signer", ""), sig.get("signer"))
    else:
        out["signer"] = sig.get("signer", "")
    return out


def _stored_signature(sig: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    """A 0.1 stored signature with its party id (the printed name kept)."""
    party = ids.get(sig["signer"]) if sig["capacity"] == "party" else None
    return {**sig, "party": party}


def _names(parties: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Principal name → id, for names that only one principal has."""
    seen: dict[str, list[str]] = {}
    for p in parties:
        if p.get("role") != "agent":
            seen.setdefault(p["name"], []).append(p["id"])
    return {name: ids[0] for name, ids in seen.items() if len(ids) == 1}


def upgrade_case(data: Mapping[str, Any]) -> dict[str, Any]:
    """A 0.1 case dict (intake snapshot, or stored info and body merged) in today's format."""
    out = {k: v for k, v in data.items() if k not in _DETAILS_0_1 and k not in INTAKE_0_1}
    parties = _party_ids(list(data.get("parties", [])))
    out["intake"] = {k: data[k] for k in INTAKE_0_1 if k in data}
    out["intake"]["parties"] = parties
    ids = _names(parties)
    agreement = data.get("agreement")
    if agreement is not None:
        agreement = {
            **agreement,
            "signatures": [_stored_signature(s, ids) for s in agreement.get("signatures", [])],
        }
    out["details"] = {
        "track": data.get("track"),
        "agreement": agreement,
        "visits": list(data.get("visits", [])),
    }
    out["documents"] = [
        {"kind": d[0], "number": d[1]} if isinstance(d, list | tuple) else d
        for d in data.get("documents", [])
    ]
    out.setdefault("links", [])
    out["overlays"] = {}
    return out


_AGREEMENT_FIELDS = frozenset(
    {
        "form",
        "facts",
        "disputed_matters",
        "responsibilities",
        "terms",
        "performance_manner",
        "performance_place",
        "performance_deadline",
        "signatures",
        "number",
    }
)


def upgrade_inputs(
    trigger: str, data: Mapping[str, Any], parties: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """0.1 step inputs in today's shape (``parties``: the case's parties, with ids).

    Identity on inputs already in today's shape.
    """
    ids = _names(list(parties))
    out = dict(data)
    if trigger == "sign" and out.get("capacity") == "party" and "party" not in out:
        out = _signature(out, ids)
    elif trigger == "sign" and "signer" in out and out.get("capacity") != "party":
        out = {k: v for k, v in out.items() if k in ("capacity", "signed_at", "signer")}
    elif trigger == "agree" and isinstance(out.get("agreement"), Mapping):
        agreement = {k: v for k, v in out["agreement"].items() if k in _AGREEMENT_FIELDS}
        agreement["signatures"] = [_signature(s, ids) for s in agreement.get("signatures", [])]
        out["agreement"] = agreement
    elif trigger == "migrate_workflow" and "to" in out:
        out = {"from_version": out.get("from"), "to_version": out["to"]}
    return out
