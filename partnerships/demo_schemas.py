"""Demo: the NSI's schema library holds the demo requests' expected tables (idempotent)."""

from __future__ import annotations

from typing import Any

from .demo_requests import ELECTRICITY_SCHEMA, PT_ACCESS_SCHEMA
from .models import SchemaTemplate
from .services import schemas as schema_services

TEMPLATES = [
    ("Household electricity by district", "Monthly consumption and customers.", ELECTRICITY_SCHEMA),
    ("Access to public transport", "Share of the population, by municipality.", PT_ACCESS_SCHEMA),
]


def load(ctx: Any) -> None:
    """Save the demo schemas to the regional office's library; share the first with the network."""
    # the demo NSI manager works at the regional office, which owns these templates
    nsi, actor = ctx.orgs["regional"], ctx.users["nsi.manager"]
    for index, (name, description, schema) in enumerate(TEMPLATES):
        template = SchemaTemplate.objects.filter(owner=nsi, name=name).first()
        if template is None:
            template = schema_services.schema_template_create(
                actor=actor, owner=nsi, name=name, description=description, table_schema=schema
            )
        if index == 0 and not template.shared_with_network:
            schema_services.schema_template_share(template=template, actor=actor, shared=True)
