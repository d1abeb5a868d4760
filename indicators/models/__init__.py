"""Indicators domain models (DESIGN.md §2, indicators)."""

from .downloads import DownloadCount
from .indicators import Indicator
from .observations import Observation, ObservationLoad
from .publications import Publication, ReleasedObservation
from .subscriptions import Subscription
from .territories import Territory

__all__ = [
    "DownloadCount",
    "Indicator",
    "Observation",
    "ObservationLoad",
    "Publication",
    "ReleasedObservation",
    "Subscription",
    "Territory",
]
