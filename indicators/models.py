"""Indicator domain models (built by the indicators issue)."""
