"""Write-side services of the indicators domain (every rule lives here)."""

from .four_eyes import publishing_policy_set
from .indicators import indicator_create, indicator_resolve_code, indicator_update
from .observations import observation_load_request, observation_load_run, observations_load
from .prerelease import pre_release_grant, pre_release_open
from .publications import (
    publication_approve,
    publication_create,
    publication_preview,
    publication_publish,
    publication_revise,
    publication_schedule,
    publication_unschedule,
    publication_update,
    publish_due_releases,
)
from .territories import territories_import, territory_create, territory_update

__all__ = [
    "indicator_create",
    "indicator_resolve_code",
    "indicator_update",
    "observation_load_request",
    "observation_load_run",
    "observations_load",
    "pre_release_grant",
    "pre_release_open",
    "publication_approve",
    "publication_create",
    "publication_preview",
    "publication_publish",
    "publication_revise",
    "publication_schedule",
    "publication_update",
    "publication_unschedule",
    "publish_due_releases",
    "publishing_policy_set",
    "territories_import",
    "territory_create",
    "territory_update",
]
