"""Indicators domain models (DESIGN.md §2, indicators)."""

from .evidence import EvidenceKind, EvidenceUse
from .indicators import Indicator
from .observations import Observation, ObservationLoad
from .publications import Publication, ReleasedObservation
from .subscriptions import Subscription
from .territories import Territory

__all__ = [
    "EvidenceKind",
    "EvidenceUse",
    "Indicator",
    "Observation",
    "ObservationLoad",
    "Publication",
    "ReleasedObservation",
    "Subscription",
    "Territory",
]
