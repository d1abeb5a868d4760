"""A small declarative state machine used by every lifecycle (agreements, requests, releases)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import IllegalTransition


@dataclass(frozen=True)
class StateMachine:
    """Legal transitions of one lifecycle, keyed by the current state."""

    kind: str
    transitions: Mapping[str, frozenset[str]]

    def allowed(self, current: str) -> list[str]:
        """Return the states reachable from `current`, sorted."""
        return sorted(self.transitions.get(current, frozenset()))

    def check(self, current: str, target: str) -> None:
        """Raise IllegalTransition unless `current` → `target` is legal."""
        if target not in self.transitions.get(current, frozenset()):
            raise IllegalTransition(
                kind=self.kind, current=current, target=target, allowed=self.allowed(current)
            )
