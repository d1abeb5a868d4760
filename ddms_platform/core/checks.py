"""Deployment checks of our own, run by `manage.py check --deploy`."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Tags, Warning, register
from django.core.files.storage import storages


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """With the manifest storage, a missing manifest makes every page answer 500."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        Warning(
            "The static files are not collected: no manifest in STATIC_ROOT.",
            hint="Run `manage.py collectstatic --noinput` before starting the web server; "
            "without it every page answers 500.",
            id="ddms.W001",
        )
    ]
