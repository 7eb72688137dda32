"""The simulation's own error, under the library's one root."""

from __future__ import annotations

from mediation import MediationError

__all__ = ["SimulationError"]


class SimulationError(MediationError):
    """A simulation could not run or report: a missing optional dependency or font,
    an output that would overwrite a file, a replication that failed in a worker."""
