"""Admin plumbing: saves go through the same services as the API, inlines are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet

from ddms_platform.core.admin import AuditTrailMixin
from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError


class _DryRun(Exception):
    """Raised to roll back a validation-only run of a service."""


def _messages(exc: ValidationError | DomainError) -> list[str]:
    if isinstance(exc, DomainError):
        return [exc.message]
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


class ServiceInlineFormSet(BaseInlineFormSet):
    """An inline whose rows are checked and saved by the parent's or the row's service.

    Subclasses implement `apply(actor)`, which writes the rows through the service. `clean` runs
    it in a transaction that is always rolled back, so the service's rules show up as form
    errors; `ServiceAdmin.save_formset` runs it for real (inside the admin's transaction).
    """

    actor: Any = None

    def live_forms(self) -> list[Any]:
        return [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def deleted_forms_with_rows(self) -> list[Any]:
        return [
            f
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("DELETE") and f.instance.pk is not None
        ]

    def row(self, form: Any, fields: tuple[str, ...]) -> dict[str, Any]:
        return {k: form.cleaned_data[k] for k in fields if k in form.cleaned_data}

    def apply(self, actor: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.pk is None or not self.has_changed():
            return
        try:
            with transaction.atomic():
                self.apply(self.actor)
                raise _DryRun
        except _DryRun:
            return
        except (ValidationError, DomainError) as exc:
            raise ValidationError(_messages(exc)) from None


class ServiceInline(admin.TabularInline):
    """Hands the request's user to the service formset."""

    formset = ServiceInlineFormSet

    def get_formset(self, request: Any, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"actor": request.user})


class ServiceAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Creates and updates call `create_service` / `update_service` with the form's fields.

    Many-to-many fields and inlines are saved by the admin afterwards; `save_formset` writes one
    audit entry per changed inline set so the trail stays complete.
    """

    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    object_kw = ""
    service_fields: tuple[str, ...] = ()
    # Fields handed to the service as their own keyword arguments (many-to-many ids).
    nested_fields: tuple[str, ...] = ()
    # Fields fixed once the row exists (the update service does not change them).
    create_only_fields: tuple[str, ...] = ()

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # History matters more than tidiness: rows are deactivated or transitioned, not deleted.
        return False

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fixed = self.create_only_fields if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed, "audit_trail")

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        admin_self = self

        class ServiceForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                if not self.errors:
                    admin_self._dry_run(request, self, obj is not None)
                return cleaned

        return ServiceForm

    def _call_service(self, request: Any, form: Any, change: bool) -> Any:
        data = {
            name: form.cleaned_data[name]
            for name in self.service_fields
            if name in form.cleaned_data
        }
        nested = {name: list(data.pop(name)) for name in self.nested_fields if name in data}
        if change:
            data = {k: v for k, v in data.items() if k in form.changed_data}
            nested = {k: v for k, v in nested.items() if k in form.changed_data}
            current = type(form.instance)._default_manager.get(pk=form.instance.pk)
            return self.update_service(
                **{self.object_kw: current}, actor=request.user, data=data, **nested
            )
        return self.create_service(actor=request.user, **data, **nested)

    def _dry_run(self, request: Any, form: Any, change: bool) -> None:
        # Run the service in a transaction that is always rolled back, so the service's own
        # rules show up as field errors on the form instead of failing at save time.
        try:
            with transaction.atomic():
                self._call_service(request, form, change)
                raise _DryRun
        except _DryRun:
            return
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
        except DomainError as exc:
            form.add_error(None, exc.message)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        saved = self._call_service(request, form, change)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many fields went through the service; only the inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        if isinstance(formset, ServiceInlineFormSet):
            # The service writes the rows (its rules, its audit entries), not the formset.
            if formset.has_changed():
                formset.apply(request.user)
            # The admin's change message reads what the formset would have saved.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        instances = formset.save(commit=False)
        changed = bool(instances or formset.deleted_objects)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for instance in instances:
            instance.save()
        formset.save_m2m()
        if changed:
            audit_record(
                actor=request.user,
                action=f"{form.instance._meta.model_name}.inlines_update",
                obj=form.instance,
                after={
                    formset.model._meta.verbose_name_plural: [
                        snapshot(i)
                        for i in formset.get_queryset().model._default_manager.filter(
                            **{formset.fk.name: form.instance}
                        )
                    ]
                },
            )


def run_service_action(
    modeladmin: admin.ModelAdmin,
    request: Any,
    queryset: models.QuerySet[Any],
    call: Callable[[Any], Any],
    verb: str,
) -> None:
    """Apply `call` to each selected row through its service; report successes and refusals."""
    done, failed = 0, []
    for obj in queryset:
        try:
            with transaction.atomic():
                call(obj)
            done += 1
        except (DomainError, ValidationError) as exc:
            message = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
            failed.append(f"{obj}: {message}")
    if done:
        modeladmin.message_user(request, f"{verb}: {done} done.", messages.SUCCESS)
    for line in failed:
        modeladmin.message_user(request, line, messages.ERROR)
