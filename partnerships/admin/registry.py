"""Back-office for countries, organisations, contacts and memberships."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ddms_platform.core.admin import AuditTrailMixin
from ddms_platform.core.audit import audit_record, snapshot

from .. import services
from ..models import Contact, Country, Membership, Organisation
from ..services.registry import CONTACT_FIELDS, ORGANISATION_FIELDS
from .base import ServiceAdmin, ServiceInline, ServiceInlineFormSet


@admin.register(Country)
class CountryAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Reference data; changes are audited here as there is no service for them."""

    list_display = ("code", "name")
    search_fields = ("code", "name")
    readonly_fields = ("audit_trail",)

    def save_model(self, request: Any, obj: Country, form: Any, change: bool) -> None:
        before = snapshot(Country.objects.get(pk=obj.pk), ["name"]) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="country.update" if change else "country.create",
            obj=obj,
            before=before,
            after=snapshot(obj, ["name"]),
        )

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ContactFormSet(ServiceInlineFormSet):
    """Contact rows are added, changed and removed by the contact services."""

    def apply(self, actor: Any) -> None:
        for f in self.deleted_forms_with_rows():
            # A fresh row: deleting sets the pk to None, and the dry run must not touch the form's.
            services.contact_remove(contact=Contact.objects.get(pk=f.instance.pk), actor=actor)
        for f in self.live_forms():
            if f.instance.pk is None:
                services.contact_create(
                    actor=actor, organisation=self.instance, **self.row(f, CONTACT_FIELDS)
                )
            elif f.has_changed():
                services.contact_update(
                    contact=f.instance,
                    actor=actor,
                    data={k: f.cleaned_data[k] for k in f.changed_data if k in CONTACT_FIELDS},
                )


class ContactInline(ServiceInline):
    model = Contact
    formset = ContactFormSet
    fields = CONTACT_FIELDS
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("user", "role", "created_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        # Memberships are added on their own page, through the membership service.
        return False


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ("name", "short_name", "kind", "country", "agency_id", "parent", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "short_name", "email")
    list_select_related = ("country", "parent")
    autocomplete_fields = ("parent",)
    inlines = (ContactInline, MembershipInline)
    create_service = staticmethod(services.organisation_create)
    update_service = staticmethod(services.organisation_update)
    object_kw = "organisation"
    service_fields = ORGANISATION_FIELDS


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    list_display = ("name", "organisation", "position", "email", "phone")
    list_filter = ("organisation__country", "organisation__kind")
    search_fields = ("name", "email", "organisation__name")
    list_select_related = ("organisation",)
    create_service = staticmethod(services.contact_create)
    update_service = staticmethod(services.contact_update)
    object_kw = "contact"
    service_fields = ("organisation", *CONTACT_FIELDS)
    create_only_fields = ("organisation",)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return True

    def delete_model(self, request: Any, obj: Contact) -> None:
        services.contact_remove(contact=obj, actor=request.user)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for contact in queryset:
            services.contact_remove(contact=contact, actor=request.user)


@admin.register(Membership)
class MembershipAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Adds, re-roles and removes memberships through the membership services."""

    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("organisation__country", "role", "organisation__kind", "organisation")
    search_fields = ("user__username", "user__email", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("organisation",)

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        return ("user", "organisation", "audit_trail") if obj else ("audit_trail",)

    def save_model(self, request: Any, obj: Membership, form: Any, change: bool) -> None:
        if change:
            services.membership_update(membership=obj, actor=request.user, role=obj.role)
        else:
            saved = services.membership_add(
                actor=request.user, organisation=obj.organisation, user=obj.user, role=obj.role
            )
            obj.pk = saved.pk

    def delete_model(self, request: Any, obj: Membership) -> None:
        services.membership_remove(membership=obj, actor=request.user)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for membership in queryset:
            services.membership_remove(membership=membership, actor=request.user)
