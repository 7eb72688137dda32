"""The public API is curated: the exported names are pinned."""

from __future__ import annotations

import mediation


def test_exported_names_are_pinned() -> None:
    """Adding or removing a public name is a deliberate change of this list."""
    assert mediation.__all__ == sorted(mediation.__all__)
    assert set(mediation.__all__) == {
        "Access",
        "AuditReport",
        "Actor",
        "Agreement",
        "AgreementForm",
        "ArgumentError",
        "AuthorizationError",
        "Authorizer",
        "CalendarError",
        "CallbackPolicy",
        "Case",
        "CaseKind",
        "CaseNotFoundError",
        "Channel",
        "Checkpoint",
        "ClockKind",
        "ConcurrentUpdateError",
        "Context",
        "CorruptRowError",
        "Deadline",
        "Durations",
        "DeadlineStatus",
        "Decision",
        "DefinitionError",
        "DocumentRenderError",
        "DocumentRenderer",
        "DueItem",
        "Engine",
        "Event",
        "FixedClock",
        "Hook",
        "Intake",
        "IssuedDocument",
        "LabeledEnum",
        "Link",
        "LinkKind",
        "MediationError",
        "MovedDate",
        "NoInputs",
        "Numbering",
        "OrgTree",
        "Overlays",
        "Party",
        "PartyKind",
        "PartyRole",
        "PeriodRule",
        "PersistenceError",
        "Place",
        "Policy",
        "RecountReport",
        "Risk",
        "Role",
        "RolePolicy",
        "RuleRejectedError",
        "Signature",
        "SignerCapacity",
        "Site",
        "Statistics",
        "Step",
        "Store",
        "Transition",
        "TransitionError",
        "TransitionNotAllowedError",
        "TriggerOption",
        "Unit",
        "ValidationError",
        "VerifyReport",
        "Visit",
        "WorkflowDefinition",
        "__version__",
    }
    for name in mediation.__all__:
        assert hasattr(mediation, name), name


def test_extension_points_are_exported() -> None:
    """The pieces an embedder extends the engine with are public names."""
    from mediation.documents import DocumentRenderer as FromDocuments

    assert mediation.DocumentRenderer is FromDocuments
    for name in ("WorkflowDefinition", "Transition", "Step", "Store", "Authorizer", "Access"):
        assert name in mediation.__all__


def test_every_error_derives_from_the_one_root() -> None:
    """One exception hierarchy rooted in MediationError."""
    errors = [getattr(mediation, n) for n in mediation.__all__ if n.endswith("Error")]
    assert len(errors) >= 10
    for error in errors:
        assert issubclass(error, mediation.MediationError)
    assert issubclass(mediation.CaseNotFoundError, LookupError)
    assert issubclass(mediation.RuleRejectedError, mediation.TransitionError)


def test_version_comes_from_the_package_metadata() -> None:
    """__version__ is read with importlib.metadata."""
    from importlib.metadata import version

    assert mediation.__version__ == version("mediation")
