"""Which rows of a model a user may see, by model: the one answer for ids in filters and bodies.

Each app registers, for each model an id can name, the selector that scopes it
(`register_visible`). A list filter (`ScopedFilterSet`) and a body field (`VisiblePK`,
`VisibleSlug`) then resolve an id only among those rows, so an id that exists but is out of
the user's sight answers exactly as one that does not exist: same status, same message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

Selector = Callable[[Any], QuerySet[Any]]
_VISIBLE: dict[type[Model], Selector] = {}


def register_visible(model: type[Model], selector: Selector) -> None:
    """Declare the rows of `model` a user may name: `selector(user)` (called per request)."""
    _VISIBLE[model] = selector


def visible_queryset(model: type[Model], user: Any) -> QuerySet[Any]:
    """The rows of `model` the user may see; a model without a rule is a configuration error."""
    try:
        selector = _VISIBLE[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"No visibility rule for {model.__name__}: call register_visible() in its app."
        ) from None
    # The selector's prefetches serve lists; an id lookup needs none of them.
    return selector(user).prefetch_related(None)


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose model-choice filters accept only ids the request's user may see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        for declared in self.filters.values():
            if isinstance(
                declared,
                django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter,
            ):
                model = declared.queryset.model
                declared.queryset = visible_queryset(model, user)
                # The form field is built once and keeps its queryset; build it again.
                declared.__dict__.pop("_field", None)


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter for every API list, generating and requiring ScopedFilterSets."""

    filterset_base = ScopedFilterSet

    def get_filterset_class(self, view: Any, queryset: Any = None) -> Any:
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is not None and not issubclass(filterset_class, ScopedFilterSet):
            raise ImproperlyConfigured(
                f"{view.__class__.__name__}.filterset_class must extend ScopedFilterSet."
            )
        return filterset_class


class _VisibleMixin:
    """A related field resolving only among the rows the requesting user may see."""

    queryset: Any
    context: dict[str, Any]

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        return visible_queryset(self.queryset.model, getattr(request, "user", None))


class VisiblePK(_VisibleMixin, serializers.PrimaryKeyRelatedField):
    """A primary key of a row the user may see; any other is 'does not exist'."""

    def __init__(self, model: type[Model] | None = None, **kwargs: Any) -> None:
        if model is not None:
            kwargs["queryset"] = model._default_manager.all()
        super().__init__(**kwargs)


class VisibleSlug(_VisibleMixin, serializers.SlugRelatedField):
    """A slug (code) of a row the user may see; any other is 'does not exist'."""

    def __init__(self, model: type[Model], slug_field: str, **kwargs: Any) -> None:
        super().__init__(slug_field=slug_field, queryset=model._default_manager.all(), **kwargs)


class ScopedModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated foreign-key fields are VisiblePKs."""

    serializer_related_field = VisiblePK


class _SelectorMixin:
    """A related field resolving among the rows `selector(user)` returns: for bodies whose ids
    must name rows the user may *act on*, which can be fewer than those it may read (NSI staff
    read every country's released indicators but write only their own country's)."""

    context: dict[str, Any]

    def __init__(self, selector: Selector, **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)  # type: ignore[call-arg]

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        return self.selector(getattr(request, "user", None)).prefetch_related(None)


class SelectedPK(_SelectorMixin, serializers.PrimaryKeyRelatedField):
    """A primary key among `selector(user)`'s rows; any other is 'does not exist'."""

    def __init__(self, selector: Selector, model: type[Model], **kwargs: Any) -> None:
        if not kwargs.get("read_only"):
            kwargs["queryset"] = model._default_manager.all()
        super().__init__(selector, **kwargs)


class SelectedSlug(_SelectorMixin, serializers.SlugRelatedField):
    """A slug (code) among `selector(user)`'s rows; any other is 'does not exist'."""

    def __init__(
        self, selector: Selector, model: type[Model], slug_field: str, **kwargs: Any
    ) -> None:
        kwargs["slug_field"] = slug_field
        if not kwargs.get("read_only"):
            kwargs["queryset"] = model._default_manager.all()
        super().__init__(selector, **kwargs)
