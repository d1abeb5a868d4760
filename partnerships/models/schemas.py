"""The schema library: saved Table Schemas an NSI starts data requests from."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ddms_platform.core.models import SharedWithNetwork, TimeStampedModel

from .registry import Organisation


class SchemaTemplate(SharedWithNetwork, TimeStampedModel):
    """A reusable expected table (Table Schema + CSV dialect), owned by an NSI."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    table_schema = models.JSONField(default=dict)
    dialect = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="schema_templates"
    )
    # Shared templates (SharedWithNetwork: flag, when, by whom) are visible to the staff of
    # every NSI of the network.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="schema_template_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
