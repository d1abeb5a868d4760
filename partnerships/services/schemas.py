"""The schema library: save, edit and share Table Schema templates of an NSI."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError
from ddms_platform.core.permissions import NSI_KINDS, require_member, require_nsi_staff
from ddms_platform.core.sharing import network_share_set

from ..models import Organisation, SchemaTemplate
from ._common import apply_fields, record_change
from .requests import check_dialect, check_table_schema

EDITABLE_FIELDS = ("name", "description", "table_schema", "dialect")


def _check_owner(actor: Any, owner: Organisation) -> None:
    require_nsi_staff(actor)
    if owner.kind not in NSI_KINDS:
        raise DomainError(
            "A schema template belongs to an NSI or one of its offices.",
            code="invalid",
            fields={"owner": ["Choose an NSI or one of its regional offices."]},
        )
    require_member(actor, owner.pk)


def _check_name(owner: Organisation, name: str, exclude: int | None = None) -> None:
    others = SchemaTemplate.objects.filter(owner=owner, name=name)
    taken = (others.exclude(pk=exclude) if exclude is not None else others).exists()
    if taken:
        raise DomainError(
            "This organisation already has a schema template of that name.",
            code="duplicate",
            fields={"name": ["Already used by another template of this organisation."]},
        )


def schema_template_create(
    *,
    actor: Any,
    owner: Organisation,
    name: str,
    table_schema: dict[str, Any],
    dialect: dict[str, Any] | None = None,
    description: str = "",
) -> SchemaTemplate:
    """Save a Table Schema (and dialect) in the owner's library."""
    _check_owner(actor, owner)
    check_table_schema(table_schema)
    check_dialect(dialect)
    with transaction.atomic():
        _check_name(owner, name)
        template = SchemaTemplate.objects.create(
            owner=owner,
            name=name,
            description=description,
            table_schema=table_schema,
            dialect=dialect or {},
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor, action="schema_template.create", obj=template, after=snapshot(template)
        )
    return template


def schema_template_update(
    *, template: SchemaTemplate, actor: Any, data: dict[str, Any]
) -> SchemaTemplate:
    """Edit a template's name, description, schema or dialect (its owner's staff only)."""
    if "table_schema" in data:
        check_table_schema(data["table_schema"])
    if "dialect" in data:
        check_dialect(data["dialect"])
        data = {**data, "dialect": data["dialect"] or {}}
    with transaction.atomic():
        locked = SchemaTemplate.objects.select_for_update().get(pk=template.pk)
        _check_owner(actor, locked.owner)
        if "name" in data:
            _check_name(locked.owner, data["name"], exclude=locked.pk)
        before, after = apply_fields(locked, data, EDITABLE_FIELDS)
        record_change(
            actor=actor, action="schema_template.update", obj=locked, before=before, after=after
        )
    return locked


def schema_template_share(*, template: SchemaTemplate, actor: Any, shared: bool) -> SchemaTemplate:
    """Share a template with every NSI of the network, or stop sharing it."""
    with transaction.atomic():
        locked = SchemaTemplate.objects.select_for_update().get(pk=template.pk)
        _check_owner(actor, locked.owner)
        # the one audited switch of the network (schema_template.share / .unshare)
        network_share_set(obj=locked, actor=actor, shared=shared, action="schema_template")
    return locked
