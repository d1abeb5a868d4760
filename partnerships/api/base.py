"""Shared behaviour of the registry's ViewSets: scoped querysets, writes through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.serializers import BaseSerializer

from ..selectors import can_manage_registry


class RegistryPermission(BasePermission):
    """Reads: any signed-in user (rows are scoped). Writes: NSI staff acting as manager/member.

    On detail routes the decision is taken on the object, after the scoped lookup, so an object
    outside the user's scope answers 404 rather than 403.
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS or getattr(view, "detail", False):
            return True
        return can_manage_registry(request.user)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return request.method in SAFE_METHODS or can_manage_registry(request.user)


class ServiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update; writes call `create_service` / `update_service`.

    Subclasses set `selector`, `create_service` and `update_service` as staticmethods.
    `nested` maps validated-data keys to the service's keyword arguments for nested lists
    (parties, objectives, targets, many-to-many ids), which are not plain fields.
    """

    permission_classes = [RegistryPermission]
    selector: Callable[[Any], QuerySet[Any]]
    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    object_kw: str
    nested: dict[str, str] = {}

    def get_queryset(self) -> QuerySet[Any]:
        return self.selector(self.request.user)

    def _split(self, serializer: BaseSerializer[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        data = dict(serializer.validated_data)
        extra = {kw: data.pop(key) for key, kw in self.nested.items() if key in data}
        return data, extra

    def _reload(self, obj: Any) -> Any:
        # Re-read through the selector so the response shows fresh nested rows.
        return self.get_queryset().get(pk=obj.pk)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data, extra = self._split(serializer)
        obj = self.create_service(actor=self.request.user, **data, **extra)
        serializer.instance = self._reload(obj)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        data, extra = self._split(serializer)
        obj = self.update_service(
            **{self.object_kw: serializer.instance}, actor=self.request.user, data=data, **extra
        )
        serializer.instance = self._reload(obj)
