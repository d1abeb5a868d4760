"""Indicators domain models (DESIGN.md §2, indicators)."""

from .indicators import Indicator
from .observations import Observation
from .publications import Publication, ReleasedObservation
from .territories import Territory

__all__ = ["Indicator", "Observation", "Publication", "ReleasedObservation", "Territory"]
