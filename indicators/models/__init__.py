"""Indicators domain models (DESIGN.md §2, indicators)."""

from .indicators import Indicator
from .network import ComparabilityGroup, IndicatorAdoption, KitImport
from .observations import Observation, ObservationLoad
from .publications import Publication, ReleasedObservation
from .subscriptions import Subscription
from .territories import Territory

__all__ = [
    "ComparabilityGroup",
    "IndicatorAdoption",
    "KitImport",
    "Indicator",
    "Observation",
    "ObservationLoad",
    "Publication",
    "ReleasedObservation",
    "Subscription",
    "Territory",
]
